#include "jpeg.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>

namespace vt::jpeg {
namespace {

constexpr int kExifMarker = JPEG_APP0 + 1;

// libjpeg reports errors through a callback that must not return; it jumps back to the guard that made the call.
struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<ErrorManager*>(cinfo->err)->jump, 1);
}

// Warnings are counted by libjpeg (num_warnings), not printed.
void on_output_message(j_common_ptr) {}

// One libjpeg decompressor. Every libjpeg call goes through guarded(), whose frame holds the jump target; the calls
// it makes keep no objects with destructors, so jumping out of them is safe.
class Decompressor {
 public:
  Decompressor(const uint8_t* data, size_t length) {
    cinfo_.err = jpeg_std_error(&errors_.pub);
    errors_.pub.error_exit = on_error;
    errors_.pub.output_message = on_output_message;
    jpeg_create_decompress(&cinfo_);
    created_ = true;
    ok_ = guarded([&] {
      jpeg_mem_src(&cinfo_, data, static_cast<unsigned long>(length));
      jpeg_save_markers(&cinfo_, kExifMarker, 0xFFFF);
      jpeg_read_header(&cinfo_, TRUE);
    });
  }
  ~Decompressor() {
    if (created_) jpeg_destroy_decompress(&cinfo_);
  }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  // Whether the header was read and this path decodes the file as OpenCV's imdecode would.
  bool accepted() const {
    if (!ok_ || cinfo_.err->num_warnings > 0 || cinfo_.data_precision != 8) return false;
    const bool gray = cinfo_.jpeg_color_space == JCS_GRAYSCALE && cinfo_.num_components == 1;
    const bool color = (cinfo_.jpeg_color_space == JCS_YCbCr || cinfo_.jpeg_color_space == JCS_RGB) &&
                       cinfo_.num_components == 3;
    return (gray || color) && !rotated_by_exif();
  }

  template <class F>
  bool guarded(F&& body) {
    if (setjmp(errors_.jump)) return false;
    body();
    return true;
  }

  jpeg_decompress_struct& cinfo() { return cinfo_; }

 private:
  // OpenCV turns the image by the EXIF orientation tag (0x0112) of IFD0; any value but 1 (upright) is left to it.
  bool rotated_by_exif() const {
    for (auto* m = cinfo_.marker_list; m; m = m->next) {
      if (m->marker != kExifMarker || m->data_length < 14 || std::memcmp(m->data, "Exif\0\0", 6) != 0) continue;
      const uint8_t* tiff = m->data + 6;
      const size_t size = m->data_length - 6;
      const bool little = tiff[0] == 'I' && tiff[1] == 'I';
      if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return true;  // unreadable: let OpenCV judge it
      auto u16 = [&](size_t at) -> unsigned {
        return little ? tiff[at] | tiff[at + 1] << 8 : tiff[at] << 8 | tiff[at + 1];
      };
      auto u32 = [&](size_t at) -> size_t {
        return little ? u16(at) | static_cast<size_t>(u16(at + 2)) << 16 : static_cast<size_t>(u16(at)) << 16 | u16(at + 2);
      };
      const size_t ifd = u32(4);
      if (ifd + 2 > size) return true;
      const unsigned entries = u16(ifd);
      for (unsigned i = 0; i < entries; ++i) {
        const size_t entry = ifd + 2 + 12 * static_cast<size_t>(i);
        if (entry + 12 > size) return true;
        if (u16(entry) == 0x0112) return u16(entry + 8) != 1;
      }
    }
    return false;
  }

  jpeg_decompress_struct cinfo_{};
  ErrorManager errors_{};
  bool created_ = false;
  bool ok_ = false;
};

bool is_jpeg(const uint8_t* data, size_t length) { return length >= 3 && data[0] == 0xFF && data[1] == 0xD8; }

}  // namespace

bool box_decodable_size(const uint8_t* data, size_t length, int64_t& height, int64_t& width) {
  if (!is_jpeg(data, length)) return false;
  Decompressor d(data, length);
  if (!d.accepted()) return false;
  height = d.cinfo().image_height;
  width = d.cinfo().image_width;
  return true;
}

namespace {

// Decodes the box plus its margin with a decompressor that has read an accepted header.
Region decode_region(Decompressor& d, bool grayscale, int64_t top, int64_t left, int64_t height, int64_t width) {
  Region region;
  auto& cinfo = d.cinfo();
  const int64_t image_height = cinfo.image_height, image_width = cinfo.image_width;
  TORCH_CHECK(top >= 0 && left >= 0 && height > 0 && width > 0 && top + height <= image_height &&
                  left + width <= image_width,
              "decode: box (top ", top, ", left ", left, ", height ", height, ", width ", width, ") is not inside the ",
              image_height, "x", image_width, " image");
  cinfo.out_color_space = grayscale ? JCS_GRAYSCALE : JCS_RGB;
  // Chroma upsampling reads neighbouring samples, and libjpeg treats the edges of a cropped or skipped region as
  // image edges: decoding one iMCU (at most 32 pixels) beyond the box on every side keeps the box's pixels exact.
  const int64_t margin = 32;
  const int64_t row0 = std::max<int64_t>(0, top - margin);
  const int64_t row1 = std::min(image_height, top + height + margin);
  const int64_t col0 = std::max<int64_t>(0, left - margin);
  const int64_t col1 = std::min(image_width, left + width + margin);
  JDIMENSION x = static_cast<JDIMENSION>(col0), cols = static_cast<JDIMENSION>(col1 - col0);
  if (!d.guarded([&] {
        jpeg_start_decompress(&cinfo);
        if (cols < cinfo.output_width) jpeg_crop_scanline(&cinfo, &x, &cols);  // widens to iMCU boundaries
        if (row0 > 0) jpeg_skip_scanlines(&cinfo, static_cast<JDIMENSION>(row0));
      })) {
    return region;
  }
  const int64_t channels = cinfo.output_components;
  auto pixels = at::empty({row1 - row0, static_cast<int64_t>(cols), channels}, at::kByte);
  uint8_t* base = pixels.data_ptr<uint8_t>();
  const int64_t stride = static_cast<int64_t>(cols) * channels;
  if (!d.guarded([&] {
        while (cinfo.output_scanline < static_cast<JDIMENSION>(row1)) {
          JSAMPROW row = base + (static_cast<int64_t>(cinfo.output_scanline) - row0) * stride;
          jpeg_read_scanlines(&cinfo, &row, 1);
        }
        // The rows below the box are never decoded: stop here instead of jpeg_finish_decompress.
        jpeg_abort_decompress(&cinfo);
      }) ||
      cinfo.err->num_warnings > 0) {
    return region;
  }
  region.pixels = std::move(pixels);
  region.top = row0;
  region.left = x;
  return region;
}

}  // namespace

Region decode_box(const uint8_t* data, size_t length, bool grayscale, int64_t top, int64_t left, int64_t height,
                  int64_t width) {
  if (!is_jpeg(data, length)) return {};
  Decompressor d(data, length);
  if (!d.accepted()) return {};
  return decode_region(d, grayscale, top, left, height, width);
}

at::Tensor decode(const uint8_t* data, size_t length, bool grayscale) {
  if (!is_jpeg(data, length)) return {};
  Decompressor d(data, length);
  if (!d.accepted()) return {};
  return decode_region(d, grayscale, 0, 0, d.cinfo().image_height, d.cinfo().image_width).pixels;
}

}  // namespace vt::jpeg
