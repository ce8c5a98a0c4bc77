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

#[derive(Debug, Clone)]
pub struct ImageLimits {
    /// Largest width × height decoded.
    pub max_pixels: u64,
    /// The memory all decodes share.
    pub budget: std::sync::Arc<DecodeBudget>,
}

/// What reading an image's header may allocate: its ICC profile and text chunks, which a
/// small file can inflate a thousandfold.
const HEADER_ALLOC: u64 = 16 * 1024 * 1024;

/// The memory decoding an image of `w` × `h` pixels, `bpp` bytes each as decoded, takes at its
/// peak: the decoded pixels, their 8-bit copy (or the turned copy), and the copy an encoder
/// converts from; variants are small beside them.
pub fn decode_cost(w: u32, h: u32, bpp: u64, has_alpha: bool) -> u64 {
    let pixels = u64::from(w) * u64::from(h);
    let eight_bit = if has_alpha { 4 } else { 3 };
    pixels * (bpp + 2 * eight_bit) + HEADER_ALLOC
}

/// Memory for image decodes, shared by all uploads: a decode waits until its cost fits, so a
/// burst of large images is decoded a few at a time instead of all at once (three 16-bit PNGs
/// just under the pixel cap once took 2.5 GB together). At most `slots` decodes run at once
/// (they are CPU-bound).
#[derive(Debug)]
pub struct DecodeBudget {
    bytes: u64,
    slots: usize,
    used: std::sync::Mutex<(u64, usize)>,
    freed: std::sync::Condvar,
}

/// Memory held for one decode, given back when dropped.
pub struct Reserved<'a> {
    budget: &'a DecodeBudget,
    bytes: u64,
}

impl DecodeBudget {
    pub fn new(bytes: u64, slots: usize) -> Self {
        Self {
            bytes,
            slots: slots.max(1),
            used: std::sync::Mutex::new((0, 0)),
            freed: std::sync::Condvar::new(),
        }
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Waits until `bytes` fit (blocking: call it off the event loop); `None` when they never
    /// could.
    pub fn reserve(&self, bytes: u64) -> Option<Reserved<'_>> {
        if bytes > self.bytes {
            return None;
        }
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while used.0 + bytes > self.bytes || used.1 >= self.slots {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        used.0 += bytes;
        used.1 += 1;
        Some(Reserved {
            budget: self,
            bytes,
        })
    }
}

impl Drop for Reserved<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        used.0 -= self.bytes;
        used.1 -= 1;
        self.budget.freed.notify_all();
    }
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
                "Ảnh quá lớn để xử lý (tối đa {} triệu điểm ảnh và {} MiB bộ nhớ khi giải mã).",
                limits.max_pixels / 1_000_000,
                limits.budget.bytes() / (1024 * 1024)
            ),
            format!(
                "The image is too large to process (at most {} megapixels, and {} MiB of memory to decode).",
                limits.max_pixels / 1_000_000,
                limits.budget.bytes() / (1024 * 1024)
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
    let refused = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => too_large(limits),
        _ => formats::Refusal::Corrupt.into(),
    };
    let decoder_for = |max_alloc: u64| {
        let file = source
            .try_clone()
            .map_err(|e| ApiError::io("reading an image", e))?;
        let mut decode_limits = image::Limits::default();
        decode_limits.max_alloc = Some(max_alloc);
        let decoder: Box<dyn ImageDecoder> = if image_format == ImageFormat::Png {
            // Without its compressed metadata: nothing of it is kept, and a profile or text
            // chunk can inflate a thousandfold.
            let pixels_only = BufReader::new(PngPixelsOnly::new(BufReader::new(file)));
            Box::new(
                image::codecs::png::PngDecoder::with_limits(pixels_only, decode_limits)
                    .map_err(refused)?,
            )
        } else {
            let mut reader = ImageReader::with_format(BufReader::new(file), image_format);
            reader.limits(decode_limits);
            Box::new(reader.into_decoder().map_err(refused)?)
        };
        Ok::<_, ApiError>(decoder)
    };
    // First the header alone, within a small allowance (a profile that inflates to hundreds
    // of megabytes stops here): what decoding will cost.
    let (w, h, cost) = {
        use std::io::Seek;
        let mut decoder = decoder_for(HEADER_ALLOC)?;
        let (w, h) = decoder.dimensions();
        let color = decoder.color_type();
        let icc = decoder
            .icc_profile()
            .ok()
            .flatten()
            .map_or(0, |p| p.len() as u64);
        (&source)
            .rewind()
            .map_err(|e| ApiError::io("reading an image", e))?;
        let cost = decode_cost(w, h, u64::from(color.bytes_per_pixel()), color.has_alpha());
        (w, h, cost + icc)
    };
    if w == 0 || h == 0 {
        return Err(formats::Refusal::Corrupt.into());
    }
    if u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(too_large(limits));
    }
    let _reserved = limits
        .budget
        .reserve(cost)
        .ok_or_else(|| too_large(limits))?;
    let mut decoder = decoder_for(cost)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(refused)?;
    // Web images are 8-bit: convert first, so that the 16-bit buffer is not kept alongside
    // every later copy.
    pixels = match pixels {
        p @ (DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_)
        | DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)) => p,
        p if p.color().has_alpha() => DynamicImage::ImageRgba8(p.into_rgba8()),
        p => DynamicImage::ImageRgb8(p.into_rgb8()),
    };
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

/// A PNG stream without its compressed ancillary chunks (`iCCP`, `zTXt`, `iTXt`) or text: what
/// the decoder reads. Everything else passes unchanged, in order.
struct PngPixelsOnly<R> {
    inner: R,
    /// Bytes to pass on before looking at the next chunk header.
    passing: u64,
    /// A chunk header read and kept, to pass on (`pending[at..]`).
    pending: [u8; 8],
    at: usize,
    position: u64,
}

impl<R: std::io::Read> PngPixelsOnly<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            passing: 8, // the signature
            pending: [0; 8],
            at: 8,
            position: 0,
        }
    }
}

impl<R: std::io::Read> std::io::Read for PngPixelsOnly<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.at < 8 {
                let n = (8 - self.at).min(out.len());
                out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
                self.at += n;
                self.position += n as u64;
                return Ok(n);
            }
            if self.passing > 0 {
                let want = out.len().min(self.passing.min(usize::MAX as u64) as usize);
                let n = self.inner.read(&mut out[..want])?;
                self.passing -= n as u64;
                self.position += n as u64;
                return Ok(n);
            }
            let mut header = [0u8; 8];
            match self.inner.read_exact(&mut header) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(e) => return Err(e),
            }
            let len = u64::from(u32::from_be_bytes(header[..4].try_into().expect("4")));
            if matches!(&header[4..8], b"iCCP" | b"zTXt" | b"iTXt" | b"tEXt") {
                // Skip the data and its CRC.
                std::io::copy(&mut (&mut self.inner).take(len + 4), &mut std::io::sink())?;
                continue;
            }
            self.pending = header;
            self.at = 0;
            self.passing = len + 4;
        }
    }
}

/// The decoder only asks where it is.
impl<R: std::io::Read> std::io::Seek for PngPixelsOnly<R> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        match to {
            std::io::SeekFrom::Current(0) => Ok(self.position),
            std::io::SeekFrom::Start(p) if p == self.position => Ok(p),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "a filtered PNG stream is read in order",
            )),
        }
    }
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
