//! Audio and video containers, read without trusting them: how long they play, and where they
//! keep metadata (a phone's GPS position, its make and model, an author) to blank before the
//! file is served.
//!
//! Every size a file declares is checked against the file's real length before it is used,
//! nothing is allocated from a declared size, and the walk stops after a bounded number of
//! boxes or elements, so a crafted file costs what its bytes cost. (A demuxer that believed a
//! 109-byte MP4's "2^50-byte box" tried to allocate it and aborted the whole server.)
//!
//! Blanking never moves a byte: an MP4 `udta`/`meta` box becomes a `free` box of the same size,
//! a Matroska `Tags` element a `Void` element, with their contents zeroed, so every offset the
//! file holds (sample tables, cues) stays right. ID3 and APE tags sit at the ends of MP3 and
//! AAC streams, which hold no offsets: they are dropped.

use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

use crate::domain::formats::{Format, Refusal};

/// What reading a container found.
#[derive(Debug, Default, PartialEq)]
pub struct Inspection {
    pub duration_seconds: Option<i32>,
    pub edit: Edit,
}

/// How the stored copy differs from the upload.
#[derive(Debug, Default, PartialEq)]
pub enum Edit {
    #[default]
    None,
    /// Overwrite in place (lengths unchanged), in increasing order of offset.
    Patch(Vec<Patch>),
    /// Keep only these bytes.
    Keep(Range<u64>),
}

/// `write` at `at`, then `zeros` zero bytes.
#[derive(Debug, PartialEq)]
pub struct Patch {
    pub at: u64,
    pub write: Vec<u8>,
    pub zeros: u64,
}

/// Boxes or elements read at most: far more than a real file has at the levels walked.
const MAX_STEPS: usize = 2_000_000;

/// Reads the container of an upload identified as `format`, `len` bytes long.
pub fn inspect<R: Read + Seek>(
    r: &mut R,
    len: u64,
    format: &Format,
) -> Result<Inspection, Refusal> {
    let mut found = match format.name {
        "mp4" | "m4a" => mp4(r, len)?,
        "webm" => matroska(r, len)?,
        "mp3" => mp3(r, len)?,
        "aac" => adts(r, len)?,
        "ogg" => ogg(r, len)?,
        _ => Inspection::default(),
    };
    // A length no stream of this size could play (under 2 kbit/s) is a lie, not a length.
    found.duration_seconds = found
        .duration_seconds
        .filter(|s| *s >= 0 && (*s as u64) <= len / 250 + 1);
    Ok(found)
}

fn read_at<R: Read + Seek>(r: &mut R, at: u64, buf: &mut [u8]) -> Result<(), Refusal> {
    r.seek(SeekFrom::Start(at)).map_err(|_| Refusal::Corrupt)?;
    r.read_exact(buf).map_err(|_| Refusal::Corrupt)
}

fn seconds(units: f64, per_second: f64) -> Option<i32> {
    let s = units / per_second;
    (s.is_finite() && s >= 0.0 && s < f64::from(i32::MAX)).then(|| s.round() as i32)
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |v, b| (v << 8) | u64::from(*b))
}

// --- MP4 / M4A (ISO base media file format) ----------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Mp4Level {
    Top,
    Moov,
    Trak,
}

/// XMP in a `uuid` box (Adobe's UUID): it can carry GPS and the device.
const XMP_UUID: [u8; 16] = [
    0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac,
];

struct Mp4Walk<'a, R> {
    r: &'a mut R,
    steps: usize,
    patches: Vec<Patch>,
    /// `mvhd`'s timescale and duration.
    movie: Option<(u64, u64)>,
}

fn mp4<R: Read + Seek>(r: &mut R, len: u64) -> Result<Inspection, Refusal> {
    let mut walk = Mp4Walk {
        r,
        steps: 0,
        patches: Vec::new(),
        movie: None,
    };
    walk.boxes(0, len, Mp4Level::Top)?;
    let duration_seconds = walk
        .movie
        .filter(|(scale, d)| *scale > 0 && *d != u64::from(u32::MAX) && *d != u64::MAX)
        .and_then(|(scale, d)| seconds(d as f64, scale as f64));
    Ok(Inspection {
        duration_seconds,
        edit: if walk.patches.is_empty() {
            Edit::None
        } else {
            Edit::Patch(walk.patches)
        },
    })
}

impl<R: Read + Seek> Mp4Walk<'_, R> {
    fn boxes(&mut self, start: u64, end: u64, level: Mp4Level) -> Result<(), Refusal> {
        let mut at = start;
        while end - at >= 8 {
            self.steps += 1;
            if self.steps > MAX_STEPS {
                return Err(Refusal::Corrupt);
            }
            let mut head = [0u8; 16];
            read_at(self.r, at, &mut head[..8])?;
            let kind: [u8; 4] = head[4..8].try_into().expect("four bytes");
            let (header, size) = match be(&head[..4]) {
                1 => {
                    read_at(self.r, at + 8, &mut head[8..16])?;
                    (16, be(&head[8..16]))
                }
                // "To the end of the file": only where the file ends.
                0 if level == Mp4Level::Top => (8, end - at),
                n => (8, n),
            };
            if size < header || size > end - at {
                return Err(Refusal::Corrupt);
            }
            let (body, box_end) = (at + header, at + size);
            match (level, &kind) {
                (_, b"udta" | b"meta") => self.blank(at, header, box_end),
                (Mp4Level::Top | Mp4Level::Moov, b"uuid") if size >= header + 16 => {
                    let mut uuid = [0u8; 16];
                    read_at(self.r, body, &mut uuid)?;
                    if uuid == XMP_UUID {
                        self.blank(at, header, box_end);
                    }
                }
                (Mp4Level::Top, b"moov") => self.boxes(body, box_end, Mp4Level::Moov)?,
                (Mp4Level::Moov, b"trak") => self.boxes(body, box_end, Mp4Level::Trak)?,
                (Mp4Level::Moov, b"mvhd") => self.movie = Some(self.mvhd(body, box_end)?),
                _ => {}
            }
            at = box_end;
        }
        Ok(())
    }

    /// Version 0: flags, created, modified, timescale, duration (32-bit); version 1: 64-bit
    /// times and duration.
    fn mvhd(&mut self, body: u64, end: u64) -> Result<(u64, u64), Refusal> {
        let mut b = [0u8; 32];
        let need = |n: u64| {
            if end - body >= n {
                Ok(())
            } else {
                Err(Refusal::Corrupt)
            }
        };
        need(20)?;
        read_at(self.r, body, &mut b[..20])?;
        if b[0] == 1 {
            need(32)?;
            read_at(self.r, body, &mut b)?;
            Ok((be(&b[20..24]), be(&b[24..32])))
        } else {
            Ok((be(&b[12..16]), be(&b[16..20])))
        }
    }

    fn blank(&mut self, at: u64, header: u64, end: u64) {
        self.patches.push(Patch {
            at: at + 4,
            write: b"free".to_vec(),
            zeros: 0,
        });
        self.patches.push(Patch {
            at: at + header,
            write: Vec::new(),
            zeros: end - (at + header),
        });
    }
}

// --- Matroska / WebM (EBML) ---------------------------------------------------------------

const EBML_HEADER: u64 = 0x1A45_DFA3;
const SEGMENT: u64 = 0x1853_8067;
const INFO: u64 = 0x1549_A966;
const CLUSTER: u64 = 0x1F43_B675;
const TAGS: u64 = 0x1254_C367;
const ATTACHMENTS: u64 = 0x1941_A469;
/// The other children of a Segment, which end a Cluster of unknown size.
const SEGMENT_CHILDREN: [u64; 8] = [
    0x114D_9B74, // SeekHead
    INFO,
    0x1654_AE6B, // Tracks
    CLUSTER,
    0x1C53_BB6B, // Cues
    TAGS,
    ATTACHMENTS,
    0x1043_A770, // Chapters
];
const TIMESTAMP_SCALE: u64 = 0x2A_D7B1;
const DURATION: u64 = 0x4489;
const TITLE: u64 = 0x7BA9;
const DATE_UTC: u64 = 0x4461;
const MUXING_APP: u64 = 0x4D80;
const WRITING_APP: u64 = 0x5741;
const CLUSTER_TIMESTAMP: u64 = 0xE7;
const VOID: u8 = 0xEC;

/// An element's header: its id, the bytes of id and size, and its size (`None`: unknown).
struct Element {
    id: u64,
    header: u64,
    size: Option<u64>,
}

struct EbmlWalk<'a, R> {
    r: &'a mut R,
    steps: usize,
    patches: Vec<Patch>,
    scale: u64,
    duration: Option<f64>,
    /// The latest Cluster timestamp seen: the length of a file that does not say it.
    last_cluster: Option<u64>,
}

fn matroska<R: Read + Seek>(r: &mut R, len: u64) -> Result<Inspection, Refusal> {
    let mut walk = EbmlWalk {
        r,
        steps: 0,
        patches: Vec::new(),
        scale: 1_000_000,
        duration: None,
        last_cluster: None,
    };
    let mut at = 0;
    while len - at >= 2 {
        let e = walk.element(at, len)?;
        let body = at + e.header;
        match (e.id, e.size) {
            (SEGMENT, size) => {
                let end = size.map_or(len, |s| body + s);
                walk.segment(body, end)?;
                at = end;
            }
            (EBML_HEADER, Some(size)) => at = body + size,
            (_, Some(size)) => at = body + size,
            (_, None) => return Err(Refusal::Corrupt),
        }
    }
    let nanos = walk
        .duration
        .or(walk.last_cluster.map(|t| t as f64))
        .map(|d| d * walk.scale as f64);
    Ok(Inspection {
        duration_seconds: nanos.and_then(|n| seconds(n, 1e9)),
        edit: if walk.patches.is_empty() {
            Edit::None
        } else {
            Edit::Patch(walk.patches)
        },
    })
}

impl<R: Read + Seek> EbmlWalk<'_, R> {
    /// Reads the element header at `at`, checking that a known size fits before `end`.
    fn element(&mut self, at: u64, end: u64) -> Result<Element, Refusal> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Refusal::Corrupt);
        }
        let mut b = [0u8; 12];
        let avail = (end - at).min(12) as usize;
        read_at(self.r, at, &mut b[..avail])?;
        let (id, id_len) = vint(&b[..avail], 4, true).ok_or(Refusal::Corrupt)?;
        let (raw, size_len) = vint(&b[id_len..avail], 8, false).ok_or(Refusal::Corrupt)?;
        let header = (id_len + size_len) as u64;
        let unknown = raw == (1u64 << (7 * size_len)) - 1;
        let size = (!unknown).then_some(raw);
        if size.is_some_and(|s| s > end - at - header) {
            return Err(Refusal::Corrupt);
        }
        Ok(Element { id, header, size })
    }

    fn segment(&mut self, start: u64, end: u64) -> Result<(), Refusal> {
        let mut at = start;
        while end - at >= 2 {
            let e = self.element(at, end)?;
            let body = at + e.header;
            at = match (e.id, e.size) {
                (INFO, Some(size)) => {
                    self.info(body, body + size)?;
                    body + size
                }
                (TAGS | ATTACHMENTS, Some(size)) => {
                    self.void(at, body + size);
                    body + size
                }
                (CLUSTER, Some(size)) => {
                    self.cluster_timestamp(body, body + size)?;
                    body + size
                }
                (CLUSTER, None) => {
                    self.cluster_timestamp(body, end)?;
                    self.unsized_cluster(body, end)?
                }
                (_, Some(size)) => body + size,
                (_, None) => return Err(Refusal::Corrupt),
            };
        }
        Ok(())
    }

    fn info(&mut self, start: u64, end: u64) -> Result<(), Refusal> {
        let mut at = start;
        while end - at >= 2 {
            let e = self.element(at, end)?;
            let body = at + e.header;
            let size = e.size.ok_or(Refusal::Corrupt)?;
            match e.id {
                TIMESTAMP_SCALE if (1..=8).contains(&size) => {
                    let mut b = [0u8; 8];
                    read_at(self.r, body, &mut b[..size as usize])?;
                    self.scale = be(&b[..size as usize]).max(1);
                }
                DURATION if size == 4 || size == 8 => {
                    let mut b = [0u8; 8];
                    read_at(self.r, body, &mut b[..size as usize])?;
                    self.duration = Some(if size == 4 {
                        f64::from(f32::from_be_bytes(b[..4].try_into().expect("4")))
                    } else {
                        f64::from_be_bytes(b)
                    });
                }
                TITLE | DATE_UTC => self.void(at, body + size),
                // Required elements: kept, their text zeroed (strings may be zero-padded).
                MUXING_APP | WRITING_APP => self.patches.push(Patch {
                    at: body,
                    write: Vec::new(),
                    zeros: size,
                }),
                _ => {}
            }
            at = body + size;
        }
        Ok(())
    }

    /// A Cluster's first child is its timestamp, by convention and in practice.
    fn cluster_timestamp(&mut self, start: u64, end: u64) -> Result<(), Refusal> {
        if end - start < 2 {
            return Ok(());
        }
        let e = self.element(start, end)?;
        if let (CLUSTER_TIMESTAMP, Some(size @ 1..=8)) = (e.id, e.size) {
            let mut b = [0u8; 8];
            read_at(self.r, start + e.header, &mut b[..size as usize])?;
            let t = be(&b[..size as usize]);
            self.last_cluster = Some(self.last_cluster.map_or(t, |l| l.max(t)));
        }
        Ok(())
    }

    /// A Cluster without a size (a live recording) ends where the next Segment child begins.
    fn unsized_cluster(&mut self, start: u64, end: u64) -> Result<u64, Refusal> {
        let mut at = start;
        while end - at >= 2 {
            let e = self.element(at, end)?;
            if SEGMENT_CHILDREN.contains(&e.id) {
                return Ok(at);
            }
            at += e.header + e.size.ok_or(Refusal::Corrupt)?;
        }
        Ok(end)
    }

    /// Turns the element at `at..end` into a Void element of the same length, zeroed.
    fn void(&mut self, at: u64, end: u64) {
        let total = end - at;
        // One byte of id, then a size of as many bytes as fit (at most 8).
        let size_len = (total - 1).min(8);
        let data = total - 1 - size_len;
        let mut write = vec![VOID];
        let marker = 1u64 << (7 * size_len);
        let value = marker | data;
        write.extend_from_slice(&value.to_be_bytes()[(8 - size_len as usize)..]);
        self.patches.push(Patch {
            at,
            write,
            zeros: data,
        });
    }
}

/// An EBML variable-length integer: its value (with the length marker kept for ids) and its
/// length in bytes; `None` when it is longer than `max` or cut off.
fn vint(b: &[u8], max: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = *b.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > max || len > b.len() {
        return None;
    }
    let mut value = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    for byte in &b[1..len] {
        value = (value << 8) | u64::from(*byte);
    }
    Some((value, len))
}

// --- MP3 and AAC (ADTS): tags at the ends ------------------------------------------------

/// The audio between the ID3v2 tags at the start and the APE and ID3v1 tags at the end.
fn audio_range<R: Read + Seek>(r: &mut R, len: u64) -> Result<Range<u64>, Refusal> {
    let mut start = 0;
    loop {
        let mut h = [0u8; 10];
        if len - start < 10 {
            break;
        }
        read_at(r, start, &mut h)?;
        if &h[..3] != b"ID3" {
            break;
        }
        let size = h[6..10]
            .iter()
            .fold(0u64, |v, b| (v << 7) | u64::from(b & 0x7F));
        let footer = if h[5] & 0x10 != 0 { 10 } else { 0 };
        let tag = 10 + size + footer;
        if tag > len - start {
            return Err(Refusal::Corrupt);
        }
        start += tag;
    }
    let mut end = len;
    let mut tail = [0u8; 32];
    if end - start >= 128 {
        read_at(r, end - 128, &mut tail[..3])?;
        if &tail[..3] == b"TAG" {
            end -= 128;
        }
    }
    if end - start >= 32 {
        read_at(r, end - 32, &mut tail)?;
        if &tail[..8] == b"APETAGEX" {
            let size = u64::from(u32::from_le_bytes(tail[12..16].try_into().expect("4")));
            let has_header = tail[23] & 0x80 != 0;
            let tag = size + if has_header { 32 } else { 0 };
            if tag > end - start {
                return Err(Refusal::Corrupt);
            }
            end -= tag;
        }
    }
    Ok(start..end)
}

fn keep(range: &Range<u64>, len: u64) -> Edit {
    if range.start == 0 && range.end == len {
        Edit::None
    } else {
        Edit::Keep(range.clone())
    }
}

/// An MPEG audio frame header: (samples per frame, sample rate, bitrate in bit/s, mono,
/// MPEG-1).
fn mpeg_frame(h: [u8; 4]) -> Option<(u32, u32, u32, bool, bool)> {
    if h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (h[1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    let layer = (h[1] >> 1) & 3; // 1: III, 2: II, 3: I
    let bitrate_index = (h[2] >> 4) as usize;
    let rate_index = ((h[2] >> 2) & 3) as usize;
    if version == 1 || layer == 0 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    let mpeg1 = version == 3;
    let rate = [44_100, 48_000, 32_000][rate_index]
        >> if mpeg1 {
            0
        } else if version == 2 {
            1
        } else {
            2
        };
    const V1: [[u32; 15]; 3] = [
        [
            0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
        ],
        [
            0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
        ],
        [
            0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ],
    ];
    const V2: [[u32; 15]; 2] = [
        [
            0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
        ],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    ];
    let kbps = match (mpeg1, layer) {
        (true, 3) => V1[0][bitrate_index],
        (true, 2) => V1[1][bitrate_index],
        (true, _) => V1[2][bitrate_index],
        (false, 3) => V2[0][bitrate_index],
        (false, _) => V2[1][bitrate_index],
    };
    let samples = match (layer, mpeg1) {
        (3, _) => 384,
        (2, _) | (1, true) => 1152,
        _ => 576,
    };
    Some((samples, rate, kbps * 1000, h[3] >> 6 == 3, mpeg1))
}

fn mp3<R: Read + Seek>(r: &mut R, len: u64) -> Result<Inspection, Refusal> {
    let audio = audio_range(r, len)?;
    let edit = keep(&audio, len);
    // The first frame, allowing some junk before it.
    let mut window = vec![0u8; (audio.end - audio.start).min(64 * 1024) as usize];
    read_at(r, audio.start, &mut window)?;
    let Some((offset, (samples, rate, bitrate, mono, mpeg1))) = window
        .windows(4)
        .enumerate()
        .find_map(|(i, w)| mpeg_frame(w.try_into().expect("4")).map(|f| (i, f)))
    else {
        return Ok(Inspection {
            duration_seconds: None,
            edit,
        });
    };
    // A Xing/Info header (after the side information) or a VBRI header gives the frame count.
    let side = match (mpeg1, mono) {
        (true, false) => 32,
        (true, true) | (false, false) => 17,
        (false, true) => 9,
    };
    let at = |o: usize| window.get(offset + o..);
    let frames = match (at(4 + side), at(36)) {
        (Some(x), _) if (x.starts_with(b"Xing") || x.starts_with(b"Info")) && x.len() >= 12 => {
            (x[7] & 1 != 0).then(|| be(&x[8..12]))
        }
        (_, Some(v)) if v.starts_with(b"VBRI") && v.len() >= 18 => Some(be(&v[14..18])),
        _ => None,
    };
    let duration_seconds = match frames {
        Some(frames) => seconds(frames as f64 * f64::from(samples), f64::from(rate)),
        None => {
            let bytes = audio.end - audio.start - offset as u64;
            seconds(bytes as f64 * 8.0, f64::from(bitrate))
        }
    };
    Ok(Inspection {
        duration_seconds,
        edit,
    })
}

/// AAC in ADTS frames: counted to the end (each header says its frame's length).
fn adts<R: Read + Seek>(r: &mut R, len: u64) -> Result<Inspection, Refusal> {
    const RATES: [u32; 13] = [
        96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025,
        8_000, 7_350,
    ];
    let audio = audio_range(r, len)?;
    let mut reader = std::io::BufReader::new(&mut *r);
    reader
        .seek(SeekFrom::Start(audio.start))
        .map_err(|_| Refusal::Corrupt)?;
    let (mut at, mut frames, mut rate) = (audio.start, 0u64, None);
    while audio.end - at >= 7 {
        let mut h = [0u8; 7];
        if reader.read_exact(&mut h).is_err() || h[0] != 0xFF || h[1] & 0xF0 != 0xF0 {
            break;
        }
        let frame_len = (u64::from(h[3] & 3) << 11) | (u64::from(h[4]) << 3) | u64::from(h[5] >> 5);
        let index = ((h[2] >> 2) & 0xF) as usize;
        if frame_len < 7 || frame_len > audio.end - at || index >= RATES.len() {
            break;
        }
        rate.get_or_insert(RATES[index]);
        frames += 1;
        at += frame_len;
        reader
            .seek_relative(frame_len as i64 - 7)
            .map_err(|_| Refusal::Corrupt)?;
    }
    Ok(Inspection {
        duration_seconds: rate.and_then(|rate| seconds(frames as f64 * 1024.0, f64::from(rate))),
        edit: keep(&audio, len),
    })
}

// --- Ogg (Vorbis, Opus) --------------------------------------------------------------------

/// The last page's granule position over the sample rate of the first packet's header.
fn ogg<R: Read + Seek>(r: &mut R, len: u64) -> Result<Inspection, Refusal> {
    let mut first = vec![0u8; len.min(512) as usize];
    read_at(r, 0, &mut first)?;
    if !first.starts_with(b"OggS") || first.len() < 28 {
        return Err(Refusal::Corrupt);
    }
    let packet = 27 + first[26] as usize;
    let head = first.get(packet..).unwrap_or(&[]);
    let (rate, pre_skip) = if head.starts_with(b"\x01vorbis") && head.len() >= 16 {
        (
            u64::from(u32::from_le_bytes(head[12..16].try_into().expect("4"))),
            0,
        )
    } else if head.starts_with(b"OpusHead") && head.len() >= 12 {
        (
            48_000,
            u64::from(u16::from_le_bytes(head[10..12].try_into().expect("2"))),
        )
    } else {
        return Ok(Inspection::default());
    };
    let tail_len = len.min(64 * 1024);
    let mut tail = vec![0u8; tail_len as usize];
    read_at(r, len - tail_len, &mut tail)?;
    let granule = tail
        .windows(4)
        .rposition(|w| w == b"OggS")
        .and_then(|i| tail.get(i + 6..i + 14))
        .map(|g| u64::from_le_bytes(g.try_into().expect("8")))
        .filter(|g| *g != u64::MAX);
    Ok(Inspection {
        duration_seconds: granule
            .filter(|_| rate > 0)
            .and_then(|g| seconds(g.saturating_sub(pre_skip) as f64, rate as f64)),
        edit: Edit::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::formats::{MP3, MP4, WEBM};
    use std::io::Cursor;

    fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((8 + body.len()) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    fn apply(bytes: &[u8], edit: &Edit) -> Vec<u8> {
        match edit {
            Edit::None => bytes.to_vec(),
            Edit::Keep(r) => bytes[r.start as usize..r.end as usize].to_vec(),
            Edit::Patch(patches) => {
                let mut out = bytes.to_vec();
                for p in patches {
                    let at = p.at as usize;
                    out[at..at + p.write.len()].copy_from_slice(&p.write);
                    let z = at + p.write.len();
                    out[z..z + p.zeros as usize].fill(0);
                }
                out
            }
        }
    }

    #[test]
    fn an_mp4_box_larger_than_the_file_is_refused_not_allocated() {
        // 109 bytes announcing a 2^50-byte `hdlr`: what aborted the server.
        let mut file = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
        let mut huge = 1u32.to_be_bytes().to_vec();
        huge.extend_from_slice(b"hdlr");
        huge.extend_from_slice(&(1u64 << 50).to_be_bytes());
        file.extend_from_slice(&mp4_box(b"moov", &huge));
        file.resize(109, 0);
        let len = file.len() as u64;
        assert_eq!(
            inspect(&mut Cursor::new(file), len, &MP4),
            Err(Refusal::Corrupt)
        );
    }

    #[test]
    fn mp4_length_comes_from_mvhd_and_location_boxes_become_free() {
        let mut mvhd = vec![0u8; 20];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&42_400u32.to_be_bytes());
        let udta = mp4_box(
            b"udta",
            &mp4_box(b"\xa9xyz", b"\0\x12\x15\xc7+21.5694+103.3510/"),
        );
        let trak = mp4_box(b"trak", &mp4_box(b"meta", b"Apple iPhone 15"));
        let mut moov_body = mp4_box(b"mvhd", &mvhd);
        moov_body.extend_from_slice(&udta);
        moov_body.extend_from_slice(&trak);
        let mut file = mp4_box(b"ftyp", b"isom\0\0\x02\0isom");
        file.extend_from_slice(&mp4_box(b"moov", &moov_body));
        // A length needs bytes to play: 42 s are more than a few.
        let mut media = vec![9u8; 20_000];
        media.extend_from_slice(&[1, 2, 3]);
        file.extend_from_slice(&mp4_box(b"mdat", &media));
        let len = file.len() as u64;
        let found = inspect(&mut Cursor::new(file.clone()), len, &MP4).unwrap();
        assert_eq!(found.duration_seconds, Some(42));
        let cleaned = apply(&file, &found.edit);
        assert_eq!(cleaned.len(), file.len());
        let text = String::from_utf8_lossy(&cleaned);
        assert!(
            !text.contains("103.3510") && !text.contains("iPhone"),
            "{text}"
        );
        assert!(!text.contains("udta") && text.contains("free"));
        // Still a walkable file, now without anything to blank.
        let again = inspect(&mut Cursor::new(cleaned.clone()), len, &MP4).unwrap();
        assert_eq!(again.edit, Edit::None);
        assert!(
            cleaned.ends_with(&[9, 1, 2, 3]),
            "the media data is untouched"
        );
    }

    fn ebml(id: &[u8], body: &[u8]) -> Vec<u8> {
        let mut b = id.to_vec();
        b.extend_from_slice(&(0x0100_0000_0000_0000u64 | body.len() as u64).to_be_bytes());
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn an_element_of_unknown_size_where_none_may_be_is_refused() {
        let mut file = ebml(&[0x1A, 0x45, 0xDF, 0xA3], &ebml(&[0x42, 0x82], b"webm"));
        file.extend_from_slice(&[
            0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        // Tracks of unknown size.
        file.extend_from_slice(&[0x16, 0x54, 0xAE, 0x6B, 0xFF]);
        file.resize(329, 0);
        let len = file.len() as u64;
        assert_eq!(
            inspect(&mut Cursor::new(file), len, &WEBM),
            Err(Refusal::Corrupt)
        );
        // A declared size past the end of the file.
        let mut file = ebml(&[0x1A, 0x45, 0xDF, 0xA3], b"");
        file.extend_from_slice(&[
            0x18, 0x53, 0x80, 0x67, 0x01, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        let len = file.len() as u64;
        assert_eq!(
            inspect(&mut Cursor::new(file), len, &WEBM),
            Err(Refusal::Corrupt)
        );
    }

    #[test]
    fn webm_length_and_tags_turned_void() {
        let mut info = ebml(&[0x2A, 0xD7, 0xB1], &1_000_000u32.to_be_bytes());
        info.extend_from_slice(&ebml(&[0x44, 0x89], &12_500.0f64.to_be_bytes()));
        info.extend_from_slice(&ebml(&[0x57, 0x41], b"Samsung SM-A525F"));
        info.extend_from_slice(&ebml(&[0x7B, 0xA9], b"Ve que Ban Nhe"));
        let tags = ebml(
            &[0x12, 0x54, 0xC3, 0x67],
            b"LOCATION=+21.5694+103.3510 ARTIST=Co Lan",
        );
        let mut segment = ebml(&[0x15, 0x49, 0xA9, 0x66], &info);
        segment.extend_from_slice(&tags);
        // A live recording's cluster: unknown size, ended by the next top-level element.
        segment.extend_from_slice(&[
            0x1F, 0x43, 0xB6, 0x75, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        segment.extend_from_slice(&ebml(&[0xE7], &[0x10]));
        segment.extend_from_slice(&ebml(&[0xA3], &[9; 5000]));
        segment.extend_from_slice(&ebml(&[0x1C, 0x53, 0xBB, 0x6B], b""));
        let mut file = ebml(&[0x1A, 0x45, 0xDF, 0xA3], &ebml(&[0x42, 0x82], b"webm"));
        file.extend_from_slice(&ebml(&[0x18, 0x53, 0x80, 0x67], &segment));
        let len = file.len() as u64;
        let found = inspect(&mut Cursor::new(file.clone()), len, &WEBM).unwrap();
        assert_eq!(found.duration_seconds, Some(13));
        let cleaned = apply(&file, &found.edit);
        assert_eq!(cleaned.len(), file.len());
        let text = String::from_utf8_lossy(&cleaned);
        for gone in ["103.3510", "Samsung", "Co Lan", "Ban Nhe"] {
            assert!(!text.contains(gone), "{gone}");
        }
        let again = inspect(&mut Cursor::new(cleaned), len, &WEBM).unwrap();
        assert_eq!(again.duration_seconds, Some(13));
    }

    fn id3(body: &[u8]) -> Vec<u8> {
        let n = body.len() as u32;
        let mut b = b"ID3\x04\0\0".to_vec();
        b.extend_from_slice(&[
            (n >> 21) as u8 & 0x7F,
            (n >> 14) as u8 & 0x7F,
            (n >> 7) as u8 & 0x7F,
            n as u8 & 0x7F,
        ]);
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn mp3_tags_are_dropped_and_a_huge_frame_count_is_no_length() {
        let frame = {
            let mut f = vec![0xFF, 0xFB, 0x90, 0xC4];
            f.resize(417, 0);
            f
        };
        let mut file = id3(b"TIT2\0\0\0\x05\0\0Bai hat GPS 21.5694");
        let audio_start = file.len();
        for _ in 0..100 {
            file.extend_from_slice(&frame);
        }
        let mut v1 = b"TAG".to_vec();
        v1.resize(128, b'x');
        file.extend_from_slice(&v1);
        let len = file.len() as u64;
        let found = inspect(&mut Cursor::new(file.clone()), len, &MP3).unwrap();
        assert_eq!(found.edit, Edit::Keep(audio_start as u64..len - 128));
        // CBR: 41,700 bytes at 128 kbit/s.
        assert_eq!(found.duration_seconds, Some(3));
        // An Info header claiming 4 billion frames in 40 KB.
        let mut lying = frame.clone();
        lying[21..25].copy_from_slice(b"Info");
        lying[25..29].copy_from_slice(&1u32.to_be_bytes());
        lying[29..33].copy_from_slice(&u32::MAX.to_be_bytes());
        let mut file = lying;
        for _ in 0..100 {
            file.extend_from_slice(&frame);
        }
        let len = file.len() as u64;
        let found = inspect(&mut Cursor::new(file), len, &MP3).unwrap();
        assert_eq!(found.duration_seconds, None);
        // An ID3 tag larger than the file.
        let mut file = b"ID3\x04\0\0\x7f\x7f\x7f\x7f".to_vec();
        file.extend_from_slice(&frame);
        let len = file.len() as u64;
        assert_eq!(
            inspect(&mut Cursor::new(file), len, &MP3),
            Err(Refusal::Corrupt)
        );
    }
}
