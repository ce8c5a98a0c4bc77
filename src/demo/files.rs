//! The sample school's files, made on the spot: photographs (a schoolyard under hills, in
//! the colours of the event) and the PDF of each document (its number and trích yếu on an A4
//! page), so the demo needs nothing from outside the binary.

use image::{ImageFormat, Rgb, RgbImage};

/// A JPEG of a schoolyard scene, different for every `seed`.
pub fn photo(seed: usize) -> Vec<u8> {
    const W: u32 = 960;
    const H: u32 = 640;
    let hue = |k: usize| ((seed * 47 + k * 89) % 256) as f32 / 255.0;
    let sky_top = [
        70.0 + 60.0 * hue(1),
        130.0 + 50.0 * hue(2),
        200.0 + 40.0 * hue(3),
    ];
    let hills = [
        40.0 + 50.0 * hue(4),
        110.0 + 60.0 * hue(5),
        50.0 + 30.0 * hue(6),
    ];
    let wall = [
        200.0 + 40.0 * hue(7),
        170.0 + 50.0 * hue(8),
        90.0 + 60.0 * hue(9),
    ];
    let flag = (seed % 5) as u32;
    let ridge = |x: u32| {
        let x = x as f32 / W as f32;
        let phase = seed as f32 * 0.7;
        (H as f32 * (0.42 + 0.06 * (x * 7.0 + phase).sin() + 0.03 * (x * 17.0 + phase).cos()))
            as u32
    };
    let img = RgbImage::from_fn(W, H, |x, y| {
        let t = y as f32 / H as f32;
        let shade = |c: [f32; 3], k: f32| Rgb(c.map(|v| (v * k).clamp(0.0, 255.0) as u8));
        let school = (x > W / 4 && x < W * 3 / 4) && (y > H / 2 && y < H * 4 / 5);
        let roof = (y as i32) > (H / 2) as i32 - 60
            && (y as i32) <= (H / 2) as i32
            && ((x as i32) - (W / 2) as i32).abs()
                < (W / 4) as i32 + 20 - ((H / 2) as i32 - y as i32);
        let window = school && (x / 40) % 2 == 1 && (y / 30) % 3 == 1;
        let pole = x >= W / 8 + flag * 8 && x < W / 8 + flag * 8 + 6 && y > H / 4 && y < H * 4 / 5;
        let banner =
            x >= W / 8 + flag * 8 + 6 && x < W / 8 + flag * 8 + 70 && y > H / 4 && y < H / 4 + 45;
        if banner {
            Rgb([218, 37, 29])
        } else if pole {
            Rgb([90, 90, 90])
        } else if window {
            Rgb([60, 90, 130])
        } else if school {
            shade(wall, 1.0)
        } else if roof {
            Rgb([160, 50, 40])
        } else if y > H * 4 / 5 {
            shade([170.0, 150.0, 120.0], 1.0 - 0.2 * (t - 0.8))
        } else if y > ridge(x) {
            shade(hills, 1.1 - 0.5 * t)
        } else {
            shade(sky_top, 0.8 + 0.4 * t)
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg)
        .expect("encoding a JPEG in memory cannot fail");
    out.into_inner()
}

/// A one-page PDF showing `lines` (folded to ASCII: the standard fonts have no Vietnamese).
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 14 Tf 72 770 Td 18 TL\n");
    for line in lines {
        let ascii: String = crate::domain::vietnamese::unmark(line)
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => ' ',
                c if c.is_ascii() && !c.is_ascii_control() => c,
                _ => '?',
            })
            .collect();
        text.push_str(&format!("({ascii}) Tj T*\n"));
    }
    text.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_jpegs_and_differ() {
        let (a, b) = (photo(1), photo(2));
        assert!(a.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert_ne!(a, b);
        let img = image::load_from_memory(&a).unwrap();
        assert_eq!((img.width(), img.height()), (960, 640));
    }

    #[test]
    fn a_pdf_has_its_cross_reference_where_it_says() {
        let pdf = pdf(&["Số 38/QĐ-THS1MM", "Quyết định (thành lập)"]);
        let text = String::from_utf8(pdf).unwrap();
        assert!(text.starts_with("%PDF-1.4\n"));
        assert!(text.contains("(So 38/QD-THS1MM) Tj"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[start..].starts_with("xref\n"));
        for (n, line) in text[start..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", n + 1)),
                "{line}"
            );
        }
    }
}
