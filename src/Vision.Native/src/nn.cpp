// nn.functional: convolutions, normalisation, activations, pooling, resampling, padding and losses.
#include "shim.h"

using vt::ints;
using vt::opt;

VT_TENSOR_FN(conv2d, (TH x, TH w, TH b, const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                      int64_t groups, TH* out),
             at::conv2d(*x, *w, opt(b), ints(stride, 2), ints(padding, 2), ints(dilation, 2), groups))
VT_TENSOR_FN(conv_transpose2d, (TH x, TH w, TH b, const int64_t* stride, const int64_t* padding,
                                const int64_t* output_padding, int64_t groups, const int64_t* dilation, TH* out),
             at::conv_transpose2d(*x, *w, opt(b), ints(stride, 2), ints(padding, 2), ints(output_padding, 2), groups,
                                  ints(dilation, 2)))
VT_TENSOR_FN(linear, (TH x, TH w, TH b, TH* out), at::linear(*x, *w, opt(b)))
VT_TENSOR_FN(batch_norm, (TH x, TH w, TH b, TH running_mean, TH running_var, int training, double momentum,
                          double eps, TH* out),
             at::batch_norm(*x, opt(w), opt(b), opt(running_mean), opt(running_var), training != 0, momentum, eps,
                            at::globalContext().userEnabledCuDNN()))
VT_TENSOR_FN(layer_norm, (TH x, const int64_t* shape, int64_t n, TH w, TH b, double eps, TH* out),
             at::layer_norm(*x, ints(shape, n), opt(w), opt(b), eps))
VT_TENSOR_FN(group_norm, (TH x, int64_t groups, TH w, TH b, double eps, TH* out),
             at::group_norm(*x, groups, opt(w), opt(b), eps))
VT_TENSOR_FN(dropout, (TH x, double p, int train, TH* out), at::dropout(*x, p, train != 0))
// padding_idx < 0: none; otherwise that row receives no gradient.
VT_TENSOR_FN(embedding, (TH w, TH indices, int64_t padding_idx, TH* out), at::embedding(*w, *indices, padding_idx))

// ---- activations ------------------------------------------------------------------------------
VT_TENSOR_FN(relu, (TH x, TH* out), at::relu(*x))
VT_API int vt_relu_(TH x) { VT_BODY(at::relu_(*x)) }
VT_TENSOR_FN(gelu, (TH x, const char* approximate, TH* out), at::gelu(*x, approximate))
VT_TENSOR_FN(silu, (TH x, TH* out), at::silu(*x))
VT_TENSOR_FN(hardswish, (TH x, TH* out), at::hardswish(*x))
VT_TENSOR_FN(hardsigmoid, (TH x, TH* out), at::hardsigmoid(*x))
VT_TENSOR_FN(leaky_relu, (TH x, double slope, TH* out), at::leaky_relu(*x, slope))
VT_TENSOR_FN(elu, (TH x, double alpha, TH* out), at::elu(*x, alpha))
VT_TENSOR_FN(softplus, (TH x, double beta, double threshold, TH* out), at::softplus(*x, beta, threshold))

// ---- pooling ----------------------------------------------------------------------------------
VT_TENSOR_FN(max_pool2d, (TH x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                          const int64_t* dilation, int ceil_mode, TH* out),
             at::max_pool2d(*x, ints(kernel, 2), ints(stride, 2), ints(padding, 2), ints(dilation, 2), ceil_mode != 0))
VT_TENSOR_FN(avg_pool2d, (TH x, const int64_t* kernel, const int64_t* stride, const int64_t* padding, int ceil_mode,
                          int count_include_pad, TH* out),
             at::avg_pool2d(*x, ints(kernel, 2), ints(stride, 2), ints(padding, 2), ceil_mode != 0,
                            count_include_pad != 0))
VT_TENSOR_FN(adaptive_avg_pool2d, (TH x, const int64_t* size, TH* out), at::adaptive_avg_pool2d(*x, ints(size, 2)))
VT_TENSOR_FN(adaptive_max_pool2d, (TH x, const int64_t* size, TH* out),
             std::get<0>(at::adaptive_max_pool2d(*x, ints(size, 2))))

// ---- resampling and padding -------------------------------------------------------------------
// mode: 0 nearest, 1 bilinear, 2 bicubic. Exactly one of size (2 values) or scales (2 values) is given,
// as F.interpolate passes them, so output sizes and sampling coordinates match PyTorch's.
VT_API int vt_interpolate(TH x, const int64_t* size, const double* scales, int mode, int align_corners, int antialias,
                          TH* out) {
  VT_BODY(
      at::OptionalIntArrayRef osize = size ? at::OptionalIntArrayRef(ints(size, 2)) : at::OptionalIntArrayRef();
      c10::optional<at::ArrayRef<double>> sc =
          scales ? c10::optional<at::ArrayRef<double>>(at::ArrayRef<double>(scales, 2)) : c10::nullopt;
      bool ac = align_corners != 0;
      at::Tensor r;
      switch (mode) {
        case 0: r = at::upsample_nearest2d(*x, osize, sc); break;
        case 1: r = antialias ? at::_upsample_bilinear2d_aa(*x, osize, ac, sc) : at::upsample_bilinear2d(*x, osize, ac, sc); break;
        case 2: r = antialias ? at::_upsample_bicubic2d_aa(*x, osize, ac, sc) : at::upsample_bicubic2d(*x, osize, ac, sc); break;
        default: throw std::invalid_argument("interpolate: unknown mode " + std::to_string(mode));
      }
      *out = vt::wrap(std::move(r)))
}
// mode: "constant", "reflect", "replicate" or "circular", as F.pad.
VT_TENSOR_FN(pad, (TH x, const int64_t* pad, int64_t n, const char* mode, double value, TH* out),
             at::pad(*x, ints(pad, n), mode, std::string(mode) == "constant" ? c10::optional<double>(value) : c10::nullopt))
VT_TENSOR_FN(unfold, (TH x, const int64_t* kernel, const int64_t* dilation, const int64_t* padding,
                      const int64_t* stride, TH* out),
             at::im2col(*x, ints(kernel, 2), ints(dilation, 2), ints(padding, 2), ints(stride, 2)))
VT_TENSOR_FN(one_hot, (TH x, int64_t num_classes, TH* out), at::one_hot(*x, num_classes))

// ---- losses (reduction: 0 none, 1 mean, 2 sum, as at::Reduction) --------------------------------
VT_TENSOR_FN(cross_entropy, (TH x, TH target, TH weight, int64_t reduction, int64_t ignore_index,
                             double label_smoothing, TH* out),
             at::cross_entropy_loss(*x, *target, opt(weight), reduction, ignore_index, label_smoothing))
VT_TENSOR_FN(nll_loss, (TH x, TH target, TH weight, int64_t reduction, int64_t ignore_index, TH* out),
             at::nll_loss_nd(*x, *target, opt(weight), reduction, ignore_index))
VT_TENSOR_FN(binary_cross_entropy_with_logits, (TH x, TH target, TH weight, TH pos_weight, int64_t reduction, TH* out),
             at::binary_cross_entropy_with_logits(*x, *target, opt(weight), opt(pos_weight), reduction))
VT_TENSOR_FN(mse_loss, (TH x, TH target, int64_t reduction, TH* out), at::mse_loss(*x, *target, reduction))
VT_TENSOR_FN(l1_loss, (TH x, TH target, int64_t reduction, TH* out), at::l1_loss(*x, *target, reduction))
