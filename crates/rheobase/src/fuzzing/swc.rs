//! The SWC reader on arbitrary text: errors are expected, panics are bugs. A morphology that
//! reads is also flattened and described, which walks every section and compartment.

use rheobase_morphology::Morphology;

/// Reads the bytes as SWC text (lossily, as `Morphology::from_swc_file` does).
pub fn swc(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(morphology) = Morphology::from_swc_str(&text) else {
        return;
    };
    let flat = morphology.flatten();
    assert_eq!(
        flat.len(),
        morphology.total_compartments(),
        "flattening lost compartments"
    );
    std::hint::black_box((morphology.topology(), morphology.area()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_swc_texts_do_not_panic() {
        for text in [
            "",
            "1 1 0 0 0 5 -1\n",
            "1 1 0 0 0 5 -1\n2 3 0 0 10 1 1\n3 3 0 0 20 1 2\n",
            "1 1 nan 0 0 5 -1\n2 3 inf 0 0 1 1\n",
            "1 1 0 0 0 -5 -1\n2 3 0 0 0 0 1\n",
            "1 1 0 0 0 5 -1\n1 1 0 0 0 5 -1\n",
            "2 1 0 0 0 5 1\n",
            "1 1 0 0 0 5 -1\n2 1 0 0 5 5 1\n3 1 0 0 -5 5 1\n",
            "99999999999999999999 1 0 0 0 5 -1\n",
        ] {
            swc(text.as_bytes());
        }
    }
}
