// JPEG decoding straight through libjpeg(-turbo), for the two things OpenCV's imdecode cannot do: decode into RGB
// without a BGR pass, and decode only a box of the image (the crop of a RandomResizedCrop) — rows above the box are
// skipped without their inverse DCT, rows below it are never read, and columns outside it are cropped per scanline.
//
// The pixels are those OpenCV's decoder gives (the same library with the same settings: islow IDCT, fancy
// upsampling). Files this path does not take — other formats, CMYK, an EXIF rotation, or any libjpeg warning such
// as a truncated stream — are left to OpenCV, so their behaviour does not change.
#pragma once
#include "pch.h"

#include <cstddef>
#include <cstdint>

namespace vt::jpeg {

// The size of a JPEG that decode_box can decode; false for anything else (decode those with OpenCV).
bool box_decodable_size(const uint8_t* data, size_t length, int64_t& height, int64_t& width);

// A decoded region of the image and where it starts; it covers the box asked for, plus a margin.
struct Region {
  at::Tensor pixels;  // uint8 (rows, cols, C), C = 1 (grayscale) or 3 (RGB); undefined when libjpeg declined
  int64_t top = 0;    // image row of pixels[0]
  int64_t left = 0;   // image column of pixels[:, 0]
};

// Decodes at least the box (top, left, height, width) of a JPEG that box_decodable_size accepted. The pixels of the
// box equal those of a full decode. An undefined Region::pixels means libjpeg reported an error or a warning.
Region decode_box(const uint8_t* data, size_t length, bool grayscale, int64_t top, int64_t left, int64_t height,
                  int64_t width);

// Decodes a whole JPEG into uint8 (H, W, C); undefined when this path does not take the file (see above).
at::Tensor decode(const uint8_t* data, size_t length, bool grayscale);

}  // namespace vt::jpeg
