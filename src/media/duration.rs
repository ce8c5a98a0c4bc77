//! How long audio and video play, read from the container by symphonia's demuxers (nothing is
//! decoded).

use std::fs::File;

use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::domain::formats::Format;

/// Whole seconds, rounded; `None` when the container does not say (a stream without a frame
/// count, say) or cannot be read.
pub fn seconds(file: File, format: &Format) -> Option<i32> {
    let source = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    hint.with_extension(format.extensions.first().copied().unwrap_or(format.name));
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .ok()?;
    probed
        .format
        .tracks()
        .iter()
        .filter_map(|track| {
            let params = &track.codec_params;
            let time = params.time_base?.calc_time(params.n_frames?);
            Some(time.seconds as f64 + time.frac)
        })
        .reduce(f64::max)
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < f64::from(i32::MAX))
        .map(|s| s.round() as i32)
}
