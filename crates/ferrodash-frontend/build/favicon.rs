//! ferrodash's own favicon, drawn here rather than shipped as a binary file.
//!
//! A 32×32 icon: a rust-coloured rounded square with three white bars, a small bar
//! chart. Stored as a one-image ICO holding a 32-bit BGRA bitmap.

/// URL path the favicon is served at, relative to the requests prefix.
pub(crate) const PATH: &str = "_favicon.ico";

/// Width and height in pixels.
const SIZE: usize = 32;
/// Corner radius of the background square, in pixels.
const RADIUS: f32 = 7.0;
/// Background colour (red, green, blue): iron oxide.
const RUST: [u8; 3] = [0xb7, 0x41, 0x0e];
/// Bar colour.
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];
/// The bars as (left, right, top) pixel columns/rows; all end at row [`BAR_BOTTOM`].
const BARS: [(usize, usize, usize); 3] = [(7, 11, 17), (14, 18, 8), (21, 25, 13)];
/// First pixel row below the bars.
const BAR_BOTTOM: usize = 25;
/// Sub-samples per pixel side used to smooth the rounded corners.
const SUBSAMPLES: usize = 4;

/// The favicon as ICO bytes.
pub(crate) fn ico() -> Vec<u8> {
    // Pixels in top-down order as (rgb, alpha).
    let pixels: Vec<([u8; 3], u8)> = (0..SIZE)
        .flat_map(|y| (0..SIZE).map(move |x| (x, y)))
        .map(|(x, y)| {
            let alpha = background_coverage(x, y);
            let in_bar = BARS.iter().any(|&(left, right, top)| {
                (left..right).contains(&x) && (top..BAR_BOTTOM).contains(&y)
            });
            let rgb = if in_bar { WHITE } else { RUST };
            (rgb, alpha)
        })
        .collect();

    let xor_len = SIZE * SIZE * 4;
    let mask_row = SIZE.div_ceil(32) * 4; // 1 bit per pixel, rows padded to 32 bits
    let mask_len = mask_row * SIZE;
    let image_len = 40 + xor_len + mask_len;

    let mut out = Vec::with_capacity(6 + 16 + image_len);
    // ICONDIR: reserved, type 1 (icon), one image.
    put_u16(&mut out, 0);
    put_u16(&mut out, 1);
    put_u16(&mut out, 1);
    // ICONDIRENTRY: width, height, palette size, reserved, planes, bits per pixel,
    // size of the image data, offset of the image data.
    out.extend_from_slice(&[SIZE as u8, SIZE as u8, 0, 0]);
    put_u16(&mut out, 1);
    put_u16(&mut out, 32);
    put_u32(&mut out, image_len as u32);
    put_u32(&mut out, 6 + 16);
    // BITMAPINFOHEADER; the height counts the colour bitmap and the mask.
    put_u32(&mut out, 40);
    put_u32(&mut out, SIZE as u32);
    put_u32(&mut out, 2 * SIZE as u32);
    put_u16(&mut out, 1);
    put_u16(&mut out, 32);
    put_u32(&mut out, 0); // BI_RGB
    put_u32(&mut out, (xor_len + mask_len) as u32);
    for _ in 0..4 {
        put_u32(&mut out, 0); // resolution x/y, colours used, colours important
    }
    // Colour bitmap, bottom-up rows of BGRA.
    for row in pixels.chunks_exact(SIZE).rev() {
        for &([r, g, b], a) in row {
            out.extend_from_slice(&[b, g, r, a]);
        }
    }
    // AND mask, bottom-up; a set bit marks a fully transparent pixel.
    for pixel_row in pixels.chunks_exact(SIZE).rev() {
        let mut row = vec![0_u8; mask_row];
        for (x, &(_, alpha)) in pixel_row.iter().enumerate() {
            if alpha == 0
                && let Some(bits) = row.get_mut(x / 8)
            {
                *bits |= 0x80 >> (x % 8);
            }
        }
        out.extend_from_slice(&row);
    }
    debug_assert_eq!(out.len(), 6 + 16 + image_len);
    out
}

/// Opacity (0–255) of the rounded background square at pixel (`x`, `y`).
fn background_coverage(x: usize, y: usize) -> u8 {
    let size = SIZE as f32;
    let mut inside = 0;
    for sy in 0..SUBSAMPLES {
        for sx in 0..SUBSAMPLES {
            let px = x as f32 + (sx as f32 + 0.5) / SUBSAMPLES as f32;
            let py = y as f32 + (sy as f32 + 0.5) / SUBSAMPLES as f32;
            // Distance to the nearest point of the square shrunk by the radius.
            let dx = px - px.clamp(RADIUS, size - RADIUS);
            let dy = py - py.clamp(RADIUS, size - RADIUS);
            if dx * dx + dy * dy <= RADIUS * RADIUS {
                inside += 1;
            }
        }
    }
    (inside * 255 / (SUBSAMPLES * SUBSAMPLES)) as u8
}

/// Appends a little-endian `u16`.
fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// Appends a little-endian `u32`.
fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}
