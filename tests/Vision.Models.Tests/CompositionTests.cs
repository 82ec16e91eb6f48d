using Vision.Models.Backbones;
using Vision.Models.Heads;
using Vision.Models.Losses;
using Vision.Models.Necks;
using Vision.nn;
using Vision.Tests.Reference;
using F = Vision.nn.functional;

namespace Vision.Models.Tests;

public class CompositionTests
{
    [Fact]
    public void GlobalAveragePoolingAveragesMapsAndPassesVectorsThrough()
    {
        using var scope = torch.NewDisposeScope();
        var map = torch.arange(0, 24, 1, torch.float32).reshape(1, 2, 3, 4);
        var vector = torch.randn(1, 5);
        var outs = new GlobalAveragePooling().forward([map, vector]);
        // Channel 0 holds 0..11 (mean 5.5), channel 1 holds 12..23 (mean 17.5).
        Assert.Equal([5.5f, 17.5f], outs[0].data<float>());
        Assert.True(outs[1].equal(vector));
        var error = Assert.Throws<ArgumentException>(() => new GlobalAveragePooling().forward([torch.randn(1, 2, 3)]));
        Assert.Contains("[1, 2, 3]", error.Message);
    }

    [Fact]
    public void LinearClsHeadUsesTheLastFeatureThroughFc()
    {
        using var head = new LinearClsHead(3, 4);
        Assert.Equal(["fc.weight", "fc.bias"], head.state_dict().Keys);
        Assert.Equal(["fc"], head.classifier_keys);
        using var scope = torch.NewDisposeScope();
        var (w, b) = (head.state_dict()["fc.weight"], head.state_dict()["fc.bias"]);
        // MMPreTrain's init: N(0, 0.01²) weight, zero bias.
        Assert.InRange(w.abs().max().item<float>(), 1e-6, 0.06);
        Assert.Equal(0f, b.abs().max().item<float>());
        var feature = torch.randn(2, 4);
        var logits = head.forward([torch.randn(2, 9), feature]);
        Assert.True(logits.allclose(feature.matmul(w.t()).add(b)));
        var error = Assert.Throws<ArgumentException>(() => head.forward([torch.randn(2, 4, 1, 1)]));
        Assert.Contains("GlobalAveragePooling", error.Message);
    }

    [Fact]
    public void VisionTransformerClsHeadHasMMPreTrainKeysAndPreLogitsTanh()
    {
        using var plain = new VisionTransformerClsHead(3, 8);
        Assert.Equal(["layers.head.weight", "layers.head.bias"], plain.state_dict().Keys);
        Assert.Equal(["layers.head"], plain.classifier_keys);
        using var head = new VisionTransformerClsHead(3, 8, hidden_dim: 6);
        Assert.Equal(["layers.pre_logits.weight", "layers.pre_logits.bias", "layers.head.weight", "layers.head.bias"], head.state_dict().Keys);

        using var scope = torch.NewDisposeScope();
        var state = head.state_dict();
        Assert.Equal(0f, state["layers.head.weight"].abs().max().item<float>());
        // The zero-initialised head would make any forward pass trivially zero: give it values first.
        state["layers.head.weight"].normal_();
        state["layers.head.bias"].normal_();
        var x = torch.randn(2, 8);
        var expected = x.matmul(state["layers.pre_logits.weight"].t()).add(state["layers.pre_logits.bias"]).tanh()
            .matmul(state["layers.head.weight"].t()).add(state["layers.head.bias"]);
        Assert.True(head.forward([x]).allclose(expected, 1e-5, 1e-6));
    }

    [Fact]
    public void ClassifierComposesBackboneNeckHeadAndLoss()
    {
        using var backbone = new ResNet(18);
        using var model = new ImageClassifier(backbone, new GlobalAveragePooling(), new LinearClsHead(4, 512), new CrossEntropyLoss(label_smoothing: 0.1));
        Assert.Equal(["backbone", "neck", "head", "loss_module"], model.named_children().Select(c => c.name));
        Assert.All(model.state_dict().Keys, k => Assert.True(k.StartsWith("backbone.", StringComparison.Ordinal) || k.StartsWith("head.fc.", StringComparison.Ordinal), k));
        model.eval();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 32, 32);
        var y = torch.tensor(new long[] { 0, 3 }, 2);
        var features = model.extract_feat(x);
        Assert.Equal([2L, 512], Assert.Single(features).shape);
        var logits = model.forward(x);
        Assert.True(logits.equal(model.head.forward(features)));
        Assert.True(model.loss(x, y).allclose(F.cross_entropy(logits, y, label_smoothing: 0.1)));
        Assert.Equal(4, model.num_classes);
    }

    [Fact]
    public void ForwardLeavesOnlyItsResultInTheCallersScope()
    {
        using var model = new ImageClassifier(new ResNet(18), new GlobalAveragePooling(), new LinearClsHead(2, 512));
        model.eval();
        using var x = torch.randn(1, 3, 32, 32);
        using var scope = torch.NewDisposeScope();
        model.forward(x);
        model.loss(x, torch.tensor(new long[] { 1 }, 1));
        // The logits; the loss, its target tensor; nothing of the intermediate maps.
        Assert.Equal(3, scope.Count);
    }

    [SkippableFact]
    public void LossesEqualPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn(4, 5);
        var labels = torch.tensor(new long[] { 0, 4, 2, 2 }, 4);
        var soft = torch.rand(4, 5);
        soft = soft.div(soft.sum(1, keepdim: true));
        float[] weights = [1, 2, 0.5f, 1, 3];
        var r = TorchReference.Run("""
            x, y, t = inp["logits"], inp["labels"], inp["soft"]
            w = torch.tensor([1, 2, 0.5, 1, 3])
            out["hard"] = F.cross_entropy(x, y, weight=w, label_smoothing=0.1)
            out["soft"] = F.cross_entropy(x, t, label_smoothing=0.2)
            out["soft_target"] = torch.sum(-t * F.log_softmax(x, dim=-1), dim=-1).mean()
            out["soft_target_hard"] = F.cross_entropy(x, y)
            """, new Dictionary<string, Tensor> { ["logits"] = logits, ["labels"] = labels, ["soft"] = soft });
        using var hard = new CrossEntropyLoss(0.1, weights);
        using var smooth = new CrossEntropyLoss(0.2);
        using var softTarget = new SoftTargetCrossEntropy();
        Helpers.Close(TorchReference.Doubles(r.GetProperty("hard")), hard.forward(logits, labels), 1e-5, "weighted, smoothed CE");
        Helpers.Close(TorchReference.Doubles(r.GetProperty("soft")), smooth.forward(logits, soft), 1e-5, "CE with probability targets");
        Helpers.Close(TorchReference.Doubles(r.GetProperty("soft_target")), softTarget.forward(logits, soft), 1e-5, "SoftTargetCrossEntropy");
        Helpers.Close(TorchReference.Doubles(r.GetProperty("soft_target_hard")), softTarget.forward(logits, labels), 1e-5, "SoftTargetCrossEntropy on labels");
    }

    [Fact]
    public void LossesNameWhatIsWrongWithTheTarget()
    {
        using var scope = torch.NewDisposeScope();
        using var loss = new CrossEntropyLoss(class_weight: [1, 1, 1]);
        var logits = torch.randn(2, 4);
        Assert.Contains("int64 class indices", Assert.Throws<ArgumentException>(() => loss.forward(logits, torch.zeros([2], torch.int32))).Message);
        Assert.Contains("shape (2)", Assert.Throws<ArgumentException>(() => loss.forward(logits, torch.zeros([3], torch.int64))).Message);
        Assert.Contains("[2, 4]", Assert.Throws<ArgumentException>(() => new SoftTargetCrossEntropy().forward(logits, torch.rand(2, 3))).Message);
        Assert.Contains("3 class weights", Assert.Throws<ArgumentException>(() => loss.forward(logits, torch.zeros([2], torch.int64))).Message);
        Assert.Empty(loss.state_dict());
    }
}
