//! Images: decoded within limits, turned upright by their EXIF orientation, and re-encoded, so
//! that nothing of the uploaded file but its pixels is kept (no EXIF, GPS, camera serials, XMP,
//! comments, or whatever else a polyglot hid in it). Variants are resized from the same pixels.

use std::fs::File;
use std::io::{BufReader, Cursor};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::store::{BlobStore, Spooled};
use crate::domain::formats::{self, Format};
use crate::error::{ApiError, ApiResult, Text};

/// Widths of the variants made of every image (an image narrower than one is not enlarged).
pub const VARIANT_WIDTHS: [u32; 3] = [320, 640, 1280];
const JPEG_QUALITY: u8 = 85;
const WEBP_QUALITY: f32 = 80.0;

#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    /// Largest width × height decoded.
    pub max_pixels: u64,
    /// Most memory one decode may allocate.
    pub max_alloc: u64,
}

/// An encoded image in a temporary file, ready to store.
pub struct Encoded {
    pub file: Spooled,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

pub struct Processed {
    pub original: Encoded,
    /// `w320.jpg`, `w320.webp`, … in that order.
    pub variants: Vec<(String, Encoded)>,
}

fn too_large(limits: &ImageLimits) -> ApiError {
    ApiError::unprocessable(
        "image_too_large",
        Text::new(
            format!(
                "Ảnh quá lớn để xử lý (tối đa {} triệu điểm ảnh).",
                limits.max_pixels / 1_000_000
            ),
            format!(
                "The image is too large to process (at most {} megapixels).",
                limits.max_pixels / 1_000_000
            ),
        ),
    )
}

/// Decodes `source` (already identified as `format`), and writes the cleaned original and its
/// variants to temporary files in `store`.
pub fn process(
    store: &dyn BlobStore,
    source: File,
    format: &'static Format,
    limits: &ImageLimits,
) -> ApiResult<Processed> {
    let image_format = match format.name {
        "jpeg" => ImageFormat::Jpeg,
        "png" => ImageFormat::Png,
        "gif" => ImageFormat::Gif,
        "webp" => ImageFormat::WebP,
        _ => return Err(formats::Refusal::Unknown.into()),
    };
    let mut reader = ImageReader::with_format(BufReader::new(source), image_format);
    let mut decode_limits = image::Limits::default();
    decode_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(limits),
        _ => formats::Refusal::Corrupt.into(),
    })?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(formats::Refusal::Corrupt.into());
    }
    if u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(too_large(limits));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(limits),
        _ => formats::Refusal::Corrupt.into(),
    })?;
    pixels.apply_orientation(orientation);

    let original = encode(store, &pixels, image_format, false).map_err(corrupt_io)?;
    let mut variants = Vec::new();
    for width in VARIANT_WIDTHS {
        let resized = if width < pixels.width() {
            let height = (u64::from(pixels.height()) * u64::from(width) / u64::from(pixels.width()))
                .max(1) as u32;
            pixels.resize_exact(width, height, FilterType::CatmullRom)
        } else {
            pixels.clone()
        };
        variants.push((
            format!("w{width}.jpg"),
            encode(store, &resized, ImageFormat::Jpeg, true).map_err(corrupt_io)?,
        ));
        variants.push((
            format!("w{width}.webp"),
            encode(store, &resized, ImageFormat::WebP, true).map_err(corrupt_io)?,
        ));
    }
    Ok(Processed { original, variants })
}

fn corrupt_io(e: EncodeError) -> ApiError {
    match e {
        EncodeError::Io(e) => ApiError::io("writing an image", e),
        // These are pixels we decoded ourselves: failing to encode them is our fault.
        EncodeError::Image(e) => ApiError::internal(format!("encoding an image: {e}")),
    }
}

enum EncodeError {
    Io(std::io::Error),
    Image(image::ImageError),
}

/// Encodes pixels alone: none of these encoders writes metadata unless given some.
/// `lossy_webp`: variants are lossy; an uploaded WebP original is kept lossless (it may be a
/// drawing or a screenshot).
fn encode(
    store: &dyn BlobStore,
    pixels: &DynamicImage,
    format: ImageFormat,
    lossy_webp: bool,
) -> Result<Encoded, EncodeError> {
    let mut bytes = Vec::new();
    let mime = match format {
        ImageFormat::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(pixels.to_rgb8());
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
                .map_err(EncodeError::Image)?;
            formats::JPEG.mime
        }
        ImageFormat::WebP if lossy_webp => {
            // libwebp's lossy encoder: the point of a WebP variant is to be smaller than the
            // JPEG (the `image` crate only encodes lossless WebP, several times larger).
            let rgba = pixels.to_rgba8();
            let encoded =
                webp::Encoder::from_rgba(&rgba, rgba.width(), rgba.height()).encode(WEBP_QUALITY);
            bytes.extend_from_slice(&encoded);
            formats::WEBP.mime
        }
        ImageFormat::WebP => {
            let rgba = DynamicImage::ImageRgba8(pixels.to_rgba8());
            rgba.write_with_encoder(WebPEncoder::new_lossless(&mut bytes))
                .map_err(EncodeError::Image)?;
            formats::WEBP.mime
        }
        ImageFormat::Png => {
            pixels
                .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
                .map_err(EncodeError::Image)?;
            formats::PNG.mime
        }
        ImageFormat::Gif => {
            // The first frame: an animation is not kept.
            DynamicImage::ImageRgba8(pixels.to_rgba8())
                .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Gif)
                .map_err(EncodeError::Image)?;
            formats::GIF.mime
        }
        _ => unreachable!("only the formats above are encoded"),
    };
    let mut spool = store.spool().map_err(EncodeError::Io)?;
    spool.write(&bytes).map_err(EncodeError::Io)?;
    Ok(Encoded {
        file: spool.finish().map_err(EncodeError::Io)?,
        mime,
        width: pixels.width(),
        height: pixels.height(),
    })
}
