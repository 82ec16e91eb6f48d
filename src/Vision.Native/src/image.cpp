// Images: decoding/encoding and resampling through OpenCV, colour operations through ATen.
//
// Images are uint8 (H, W, C) CPU tensors in RGB order. OpenCV works on cv::Mat headers laid over the
// tensors' contiguous memory, so inputs are never copied and results are written straight into new
// tensors. The colour operations repeat torchvision's tensor functional ops (same ATen ops in the same
// order), so their results match torchvision exactly.
#include "shim.h"
#include "jpeg.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/mman.h>

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace {

// Data loaders decode on many threads already; OpenCV's own thread pool on top would oversubscribe the cores.
void configure_opencv() {
  static const bool configured = [] {
    cv::setNumThreads(0);
    return true;
  }();
  (void)configured;
}

// A contiguous uint8 (H, W, C) CPU image with 1 to 4 channels, or an error that names the operation.
at::Tensor image_arg(const at::Tensor& t, const char* op) {
  TORCH_CHECK(t.scalar_type() == at::kByte && t.dim() == 3 && t.device().is_cpu() && t.size(2) >= 1 && t.size(2) <= 4,
              op, ": expected a uint8 (H, W, C) CPU image with 1 to 4 channels, got ", t.scalar_type(), " ",
              t.sizes(), " on ", t.device());
  configure_opencv();
  return t.contiguous();
}

// A grayscale or RGB image for the colour operations.
at::Tensor color_image_arg(const at::Tensor& t, const char* op) {
  auto img = image_arg(t, op);
  TORCH_CHECK(img.size(2) == 1 || img.size(2) == 3, op, ": expected 1 (gray) or 3 (RGB) channels, got ", img.size(2));
  return img;
}

cv::Mat mat_of(const at::Tensor& t) {
  return cv::Mat(static_cast<int>(t.size(0)), static_cast<int>(t.size(1)), CV_8UC(static_cast<int>(t.size(2))),
                 t.data_ptr());
}

at::Tensor new_image(int64_t height, int64_t width, int64_t channels) {
  return at::empty({height, width, channels}, at::kByte);
}

// OpenCV reallocates a destination whose size or type differs; that would leave the tensor unwritten.
void check_written(const cv::Mat& dst, const at::Tensor& out, const char* op) {
  if (dst.data != out.data_ptr()) throw std::logic_error(std::string(op) + ": OpenCV did not write into the tensor");
}

cv::Scalar fill_of(const double* fill, int64_t n) {
  cv::Scalar s(0, 0, 0, 0);
  for (int64_t i = 0; i < n && i < 4; ++i) s[static_cast<int>(i)] = fill[i];
  return s;
}

// torchvision's rgb_to_grayscale for uint8: (0.2989 R + 0.587 G + 0.114 B) truncated, as (H, W, 1).
at::Tensor grayscale(const at::Tensor& img) {
  auto gray = (0.2989 * img.select(2, 0) + 0.587 * img.select(2, 1) + 0.114 * img.select(2, 2)).to(at::kByte);
  return gray.unsqueeze(2);
}

// torchvision's _blend: ratio * img1 + (1 - ratio) * img2, clamped and truncated to uint8.
at::Tensor blend(const at::Tensor& img1, const at::Tensor& img2, double ratio) {
  return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, 255).to(at::kByte);
}

// torchvision's _rgb2hsv on float RGB in [0, 1], channels last.
at::Tensor rgb_to_hsv(const at::Tensor& img) {
  auto r = img.select(2, 0), g = img.select(2, 1), b = img.select(2, 2);
  auto maxc = std::get<0>(img.max(2));
  auto minc = std::get<0>(img.min(2));
  auto eqc = maxc == minc;
  auto cr = maxc - minc;
  auto ones = at::ones_like(maxc);
  auto s = cr / at::where(eqc, ones, maxc);
  auto cr_divisor = at::where(eqc, ones, cr);
  auto rc = (maxc - r) / cr_divisor;
  auto gc = (maxc - g) / cr_divisor;
  auto bc = (maxc - b) / cr_divisor;
  auto hr = (maxc == r) * (bc - gc);
  auto hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc);
  auto hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc);
  auto h = at::fmod(((hr + hg + hb) / 6.0 + 1.0), 1.0);
  return at::stack({h, s, maxc}, 2);
}

// torchvision's _hsv2rgb; its one-hot einsum picks one of six candidates per channel, as gather does here.
at::Tensor hsv_to_rgb(const at::Tensor& img) {
  auto h = img.select(2, 0), s = img.select(2, 1), v = img.select(2, 2);
  auto i = at::floor(h * 6.0);
  auto f = (h * 6.0) - i;
  auto sector = at::remainder(i.to(at::kInt), 6).to(at::kLong).unsqueeze(2);
  auto p = at::clamp(v * (1.0 - s), 0.0, 1.0);
  auto q = at::clamp(v * (1.0 - s * f), 0.0, 1.0);
  auto t = at::clamp(v * (1.0 - s * (1.0 - f)), 0.0, 1.0);
  auto pick = [&](std::initializer_list<at::Tensor> candidates) {
    return at::stack(candidates, 2).gather(2, sector).squeeze(2);
  };
  return at::stack({pick({v, q, p, p, t, v}), pick({t, v, v, q, p, p}), pick({p, p, t, v, v, q})}, 2);
}

// A new tensor for a batch. Batches are tens of MiB of fresh memory, which costs a page fault per 4 KiB page: 14 ms
// for a 64 x 3 x 224 x 224 float batch here, a quarter of the time to fill it. On transparent huge pages (2 MiB,
// asked for with madvise) the same memory takes 2.7 ms. Small batches, or no mmap, use the default allocator.
at::Tensor empty_batch(at::IntArrayRef sizes, at::ScalarType dtype) {
  constexpr size_t huge = size_t{2} << 20;
  const size_t bytes = static_cast<size_t>(c10::multiply_integers(sizes)) * c10::elementSize(dtype);
  if (bytes < 2 * huge) return at::empty(sizes, dtype);
  const size_t length = (bytes + huge - 1) / huge * huge;
  // Map one huge page more than needed, then unmap the ends around the 2 MiB-aligned part.
  void* mapped = mmap(nullptr, length + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return at::empty(sizes, dtype);
  const auto start = reinterpret_cast<uintptr_t>(mapped);
  const uintptr_t aligned = (start + huge - 1) & ~(huge - 1);
  if (aligned > start) munmap(mapped, aligned - start);
  if (start + huge > aligned) munmap(reinterpret_cast<void*>(aligned + length), start + huge - aligned);
  auto* data = reinterpret_cast<void*>(aligned);
  madvise(data, length, MADV_HUGEPAGE);
  return at::from_blob(data, sizes, [length](void* p) { munmap(p, length); }, at::TensorOptions(dtype));
}

// Writes a contiguous uint8 (H, W, C) image as C planes (C, H, W): (x - mean) / stdev per channel in float, or the
// bytes themselves when T is uint8 (mean and stdev unused); reverse takes the channels in reverse order.
template <class T>
void to_planes(const at::Tensor& img, T* dst, const double* mean, const double* stdev, bool reverse) {
  const int64_t channels = img.size(2), plane = img.size(0) * img.size(1);
  const uint8_t* src = img.data_ptr<uint8_t>();
  for (int64_t c = 0; c < channels; ++c) {
    const int64_t from = reverse ? channels - 1 - c : c;
    T* out = dst + c * plane;
    if constexpr (std::is_same_v<T, float>) {
      // A byte has 256 values: look the normalised value up instead of computing it per pixel (twice as fast).
      const float m = static_cast<float>(mean[c]), s = static_cast<float>(stdev[c]);
      float table[256];
      for (int v = 0; v < 256; ++v) table[v] = (static_cast<float>(v) - m) / s;
      for (int64_t i = 0; i < plane; ++i) out[i] = table[src[i * channels + from]];
    } else {
      for (int64_t i = 0; i < plane; ++i) out[i] = src[i * channels + from];
    }
  }
}

}  // namespace

// ---- decoding and encoding ----------------------------------------------------------------------

namespace {

// JPEGs go straight through libjpeg when it can (RGB without a BGR pass); everything else through OpenCV.
at::Tensor decode(const void* data, int64_t length, bool grayscale) {
  configure_opencv();
  if (length <= 0) throw std::invalid_argument("the data is empty");
  auto jpeg = vt::jpeg::decode(static_cast<const uint8_t*>(data), static_cast<size_t>(length), grayscale);
  if (jpeg.defined()) return jpeg;
  cv::Mat buffer(1, static_cast<int>(length), CV_8U, const_cast<void*>(data));
  cv::Mat decoded = cv::imdecode(buffer, grayscale ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  if (decoded.empty()) {
    throw std::invalid_argument(
        "not an image OpenCV can decode (supported: JPEG, PNG, BMP, WebP, TIFF, PNM); the data may be "
        "truncated or corrupt");
  }
  auto result = new_image(decoded.rows, decoded.cols, decoded.channels());
  cv::Mat dst = mat_of(result);
  if (grayscale) decoded.copyTo(dst);
  else cv::cvtColor(decoded, dst, cv::COLOR_BGR2RGB);
  check_written(dst, result, "decode");
  return result;
}

// Resizes the box (top, left, height, width) of the image, reading the box in place.
at::Tensor resized_crop(const at::Tensor& image, int64_t top, int64_t left, int64_t height, int64_t width,
                        int64_t out_height, int64_t out_width, int interpolation) {
  auto img = image_arg(image, "resized_crop");
  TORCH_CHECK(top >= 0 && left >= 0 && height > 0 && width > 0 && top + height <= img.size(0) &&
                  left + width <= img.size(1),
              "resized_crop: box (top ", top, ", left ", left, ", height ", height, ", width ", width,
              ") is not inside the ", img.size(0), "x", img.size(1), " image");
  TORCH_CHECK(out_height > 0 && out_width > 0, "resized_crop: output size ", out_height, "x", out_width,
              " is not positive");
  cv::Mat box = mat_of(img)(cv::Rect(static_cast<int>(left), static_cast<int>(top), static_cast<int>(width),
                                     static_cast<int>(height)));
  auto result = new_image(out_height, out_width, img.size(2));
  cv::Mat dst = mat_of(result);
  cv::resize(box, dst, dst.size(), 0, 0, interpolation);
  check_written(dst, result, "resized_crop");
  return result;
}

}  // namespace

// Decodes JPEG/PNG/BMP/WebP/TIFF/PNM bytes into uint8 (H, W, 3) RGB, or (H, W, 1) when grayscale != 0.
// Alpha is dropped, grayscale expanded and 16-bit data scaled to 8 bits; JPEG EXIF orientation is applied.
VT_API int vt_image_decode(const void* data, int64_t length, int grayscale, TH* out) {
  VT_BODY(*out = vt::wrap(decode(data, length, grayscale != 0)))
}

// The size of a JPEG whose boxes vt_image_decode_resized_crop decodes alone (*decodable = 1); *decodable = 0 for
// anything else (other formats, CMYK, an EXIF rotation, damage), whose size is known only after a full decode.
VT_API int vt_image_jpeg_size(const void* data, int64_t length, int64_t* height, int64_t* width, int* decodable) {
  VT_BODY(
      *decodable = length > 0 && vt::jpeg::box_decodable_size(static_cast<const uint8_t*>(data),
                                                              static_cast<size_t>(length), *height, *width))
}

// vt_image_decode followed by vt_image_resized_crop, with the same result; a JPEG that vt_image_jpeg_size accepts
// is decoded only as far as the box needs (about the box's share of the work for a typical RandomResizedCrop).
VT_API int vt_image_decode_resized_crop(const void* data, int64_t length, int grayscale, int64_t top, int64_t left,
                                        int64_t height, int64_t width, int64_t out_height, int64_t out_width,
                                        int interpolation, TH* out) {
  VT_BODY(
      auto region = length > 0 ? vt::jpeg::decode_box(static_cast<const uint8_t*>(data), static_cast<size_t>(length),
                                                      grayscale != 0, top, left, height, width)
                               : vt::jpeg::Region{};
      if (!region.pixels.defined()) region.pixels = decode(data, length, grayscale != 0);
      *out = vt::wrap(resized_crop(region.pixels, top - region.top, left - region.left, height, width, out_height,
                                   out_width, interpolation)))
}

// Encodes a uint8 (H, W, 1|3|4) image (RGB/RGBA) in the format of `extension` (".png", ".jpg", …) into a
// uint8 tensor of bytes. quality is the JPEG quality (1-100) and ignored by other formats.
VT_API int vt_image_encode(TH image, const char* extension, int quality, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "encode");
      TORCH_CHECK(img.size(2) != 2, "encode: 2-channel images are not supported");
      cv::Mat src = mat_of(img), bgr;
      if (img.size(2) == 3) cv::cvtColor(src, bgr, cv::COLOR_RGB2BGR);
      else if (img.size(2) == 4) cv::cvtColor(src, bgr, cv::COLOR_RGBA2BGRA);
      else bgr = src;
      std::vector<uchar> bytes;
      if (!cv::imencode(extension, bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, quality})) {
        throw std::invalid_argument(std::string("OpenCV could not encode the image as ") + extension);
      }
      auto result = at::empty({static_cast<int64_t>(bytes.size())}, at::kByte);
      std::memcpy(result.data_ptr(), bytes.data(), bytes.size());
      *out = vt::wrap(std::move(result)))
}

// ---- geometry ----------------------------------------------------------------------------------

// Resizes the box (top, left, height, width) of the image to (out_height, out_width); interpolation is a
// cv::InterpolationFlags value (0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos). The box is read in
// place, so a crop followed by a resize copies the pixels once.
VT_API int vt_image_resized_crop(TH image, int64_t top, int64_t left, int64_t height, int64_t width,
                                 int64_t out_height, int64_t out_width, int interpolation, TH* out) {
  VT_BODY(*out = vt::wrap(resized_crop(*image, top, left, height, width, out_height, out_width, interpolation)))
}

// Flips horizontally (code 1), vertically (code 0) or both (code -1), as cv::flip.
VT_API int vt_image_flip(TH image, int code, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "flip");
      auto result = new_image(img.size(0), img.size(1), img.size(2));
      cv::Mat dst = mat_of(result);
      cv::flip(mat_of(img), dst, code);
      check_written(dst, result, "flip");
      *out = vt::wrap(std::move(result)))
}

// Pads by the given pixel counts; border is a cv::BorderTypes value (0 constant with `fill` per channel,
// 1 replicate edge, 2 symmetric, 4 reflect without repeating the edge).
VT_API int vt_image_pad(TH image, int64_t top, int64_t bottom, int64_t left, int64_t right, int border,
                        const double* fill, int64_t fill_length, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "pad");
      TORCH_CHECK(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "pad: padding must not be negative");
      auto result = new_image(img.size(0) + top + bottom, img.size(1) + left + right, img.size(2));
      cv::Mat dst = mat_of(result);
      cv::copyMakeBorder(mat_of(img), dst, static_cast<int>(top), static_cast<int>(bottom), static_cast<int>(left),
                         static_cast<int>(right), border, fill_of(fill, fill_length));
      check_written(dst, result, "pad");
      *out = vt::wrap(std::move(result)))
}

// Affine warp to an image of the same size: output pixel (x, y) samples the input at
// (m[0] x + m[1] y + m[2], m[3] x + m[4] y + m[5]) (pixel-index coordinates); outside pixels take `fill`.
VT_API int vt_image_warp_affine(TH image, const double* inverse_matrix, int interpolation, const double* fill,
                                int64_t fill_length, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "warp_affine");
      TORCH_CHECK(interpolation >= 0 && interpolation <= 2, "warp_affine: interpolation ", interpolation,
                  " is not nearest (0), bilinear (1) or bicubic (2)");
      cv::Mat matrix(2, 3, CV_64F, const_cast<double*>(inverse_matrix));
      auto result = new_image(img.size(0), img.size(1), img.size(2));
      cv::Mat dst = mat_of(result);
      cv::warpAffine(mat_of(img), dst, matrix, dst.size(), interpolation | cv::WARP_INVERSE_MAP,
                     cv::BORDER_CONSTANT, fill_of(fill, fill_length));
      check_written(dst, result, "warp_affine");
      *out = vt::wrap(std::move(result)))
}

// ---- pixel values ------------------------------------------------------------------------------

// Maps every value through a lookup table: uint8 (256) for all channels or (256, C) per channel.
VT_API int vt_image_lut(TH image, TH table, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "lut");
      auto lut = table->contiguous();
      TORCH_CHECK(lut.scalar_type() == at::kByte && lut.size(0) == 256 &&
                      (lut.dim() == 1 || (lut.dim() == 2 && lut.size(1) == img.size(2))),
                  "lut: expected a uint8 table of shape (256) or (256, ", img.size(2), "), got ", lut.scalar_type(),
                  " ", lut.sizes());
      cv::Mat table_mat(1, 256, CV_8UC(lut.dim() == 1 ? 1 : static_cast<int>(img.size(2))), lut.data_ptr());
      auto result = new_image(img.size(0), img.size(1), img.size(2));
      cv::Mat dst = mat_of(result);
      cv::LUT(mat_of(img), table_mat, dst);
      check_written(dst, result, "lut");
      *out = vt::wrap(std::move(result)))
}

// Per-channel histogram of the values: int64 (C, 256).
VT_API int vt_image_histogram(TH image, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "histogram");
      const int64_t channels = img.size(2), n = img.size(0) * img.size(1);
      auto result = at::zeros({channels, 256}, at::kLong);
      auto counts = result.data_ptr<int64_t>();
      auto pixels = img.data_ptr<uint8_t>();
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t c = 0; c < channels; ++c) ++counts[c * 256 + pixels[i * channels + c]];
      }
      *out = vt::wrap(std::move(result)))
}

// torchvision's rgb_to_grayscale: luma with 1 or 3 (repeated) output channels; 1-channel input is copied.
VT_API int vt_image_rgb_to_grayscale(TH image, int64_t channels, TH* out) {
  VT_BODY(
      auto img = color_image_arg(*image, "rgb_to_grayscale");
      TORCH_CHECK(channels == 1 || channels == 3, "rgb_to_grayscale: output channels must be 1 or 3, got ", channels);
      auto gray = img.size(2) == 3 ? grayscale(img) : img.clone();
      *out = vt::wrap(channels == 3 ? gray.expand({img.size(0), img.size(1), 3}).contiguous() : gray))
}

// torchvision's adjust_brightness: blend with black.
VT_API int vt_image_adjust_brightness(TH image, double factor, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "adjust_brightness");
      *out = vt::wrap(blend(img, at::zeros_like(img), factor)))
}

// torchvision's adjust_contrast: blend with the mean luma (the mean value for 1 channel).
VT_API int vt_image_adjust_contrast(TH image, double factor, TH* out) {
  VT_BODY(
      auto img = color_image_arg(*image, "adjust_contrast");
      auto source = img.size(2) == 3 ? grayscale(img) : img;
      auto mean = source.to(at::kFloat).mean({0, 1, 2}, true);
      *out = vt::wrap(blend(img, mean, factor)))
}

// torchvision's adjust_saturation: blend with the luma image; 1-channel images are returned unchanged.
VT_API int vt_image_adjust_saturation(TH image, double factor, TH* out) {
  VT_BODY(
      auto img = color_image_arg(*image, "adjust_saturation");
      *out = vt::wrap(img.size(2) == 1 ? img.clone() : blend(img, grayscale(img), factor)))
}

// torchvision's adjust_hue: rotate the hue by factor (in turns, -0.5 to 0.5) in HSV space.
VT_API int vt_image_adjust_hue(TH image, double factor, TH* out) {
  VT_BODY(
      auto img = color_image_arg(*image, "adjust_hue");
      TORCH_CHECK(factor >= -0.5 && factor <= 0.5, "adjust_hue: hue factor ", factor, " is not in [-0.5, 0.5]");
      if (img.size(2) == 1) {
        *out = vt::wrap(img.clone());
        return 0;
      }
      auto hsv = rgb_to_hsv(img.to(at::kFloat) / 255.0);
      auto h = at::remainder(hsv.select(2, 0) + factor, 1.0);
      auto rgb = hsv_to_rgb(at::stack({h, hsv.select(2, 1), hsv.select(2, 2)}, 2));
      *out = vt::wrap((rgb * 255.0).to(at::kByte)))
}

// torchvision's adjust_sharpness: blend with the image smoothed by [[1 1 1] [1 5 1] [1 1 1]] / 13, whose
// border pixels are the original ones.
VT_API int vt_image_adjust_sharpness(TH image, double factor, TH* out) {
  VT_BODY(
      auto img = color_image_arg(*image, "adjust_sharpness");
      if (img.size(0) <= 2 || img.size(1) <= 2) {
        *out = vt::wrap(img.clone());
        return 0;
      }
      const int64_t channels = img.size(2);
      auto kernel = at::ones({3, 3}, at::kFloat);
      kernel[1][1] = 5.0;
      kernel /= kernel.sum();
      auto planar = img.permute({2, 0, 1}).unsqueeze(0).contiguous().to(at::kFloat);
      const int64_t ones_2d[2] = {1, 1}, zeros_2d[2] = {0, 0};
      auto smoothed = at::conv2d(planar, kernel.expand({channels, 1, 3, 3}), c10::nullopt, at::IntArrayRef(ones_2d),
                                 at::IntArrayRef(zeros_2d), at::IntArrayRef(ones_2d), channels);
      auto degenerate = img.clone();
      degenerate.slice(0, 1, -1).slice(1, 1, -1).copy_(at::round(smoothed).to(at::kByte).squeeze(0).permute({1, 2, 0}));
      *out = vt::wrap(blend(img, degenerate, factor)))
}

// uint8 (H, W, C) to float32 (C, H, W): (x - mean[c]) / stdev[c], channels reversed first when reverse != 0
// (mean and stdev are in the output channel order, in pixel units 0-255).
VT_API int vt_image_normalize(TH image, const double* mean, const double* stdev, int64_t n, int reverse, TH* out) {
  VT_BODY(
      auto img = image_arg(*image, "normalize");
      TORCH_CHECK(n == img.size(2), "normalize: ", n, " mean/stdev values for a ", img.size(2), "-channel image");
      auto result = at::empty({img.size(2), img.size(0), img.size(1)}, at::kFloat);
      to_planes(img, result.data_ptr<float>(), mean, stdev, reverse != 0);
      *out = vt::wrap(std::move(result)))
}

// Stacks n uint8 (H, W, C) images of one shape into a batch (N, C, H, W) in one pass per image: uint8, or float
// normalised as vt_image_normalize does when mean and stdev are given (n_stats = C values each, else 0).
VT_API int vt_image_collate(const TH* images, int64_t n, const double* mean, const double* stdev, int64_t n_stats,
                            int reverse, TH* out) {
  VT_BODY(
      TORCH_CHECK(n > 0, "collate: no images");
      auto first = image_arg(*images[0], "collate");
      const int64_t height = first.size(0), width = first.size(1), channels = first.size(2);
      TORCH_CHECK(n_stats == 0 || n_stats == channels, "collate: ", n_stats, " mean/stdev values for a ", channels,
                  "-channel image");
      const bool normalize = n_stats > 0;
      auto result = empty_batch({n, channels, height, width}, normalize ? at::kFloat : at::kByte);
      const int64_t size = channels * height * width;
      for (int64_t i = 0; i < n; ++i) {
        auto img = image_arg(*images[i], "collate");
        TORCH_CHECK(img.sizes() == first.sizes(), "collate: image ", i, " is ", img.sizes(), ", image 0 is ",
                    first.sizes());
        if (normalize) to_planes(img, result.data_ptr<float>() + i * size, mean, stdev, reverse != 0);
        else to_planes(img, result.data_ptr<uint8_t>() + i * size, nullptr, nullptr, reverse != 0);
      }
      *out = vt::wrap(std::move(result)))
}
