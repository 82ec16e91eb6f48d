namespace Vision.Engine.Visualization.Cam;

/// <summary>How a class activation map weighs the target layer's channels.</summary>
public enum CamMethod
{
    /// <summary>Grad-CAM (Selvaraju et al. 2017): each channel weighs the spatial mean of the score's gradient.</summary>
    GradCam,

    /// <summary>
    /// Grad-CAM++ (Chattopadhay et al. 2018): each channel weighs Σ relu(g)·α with
    /// α = g² / (2g² + Σ_ij A · g³ + 1e-6), α = 0 where g = 0 (the weighting pytorch-grad-cam uses).
    /// </summary>
    GradCamPlusPlus,
}
