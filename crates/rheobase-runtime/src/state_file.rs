//! Store-to-file (Brian2's `store(name, filename=...)`): named [`SavedState`]s in one file,
//! framed and checked by [`safe_file`](crate::safe_file) (kind `STATE`, format version
//! [`STATE_FORMAT_VERSION`]) and written atomically.
//!
//! Payload (little-endian): `count:u32`, then per state its name and the fields of
//! [`SavedState`] in order; strings and arrays are a `u64` length followed by the items.
//! Reading checks every length against the bytes left, so a file that passed the checksum
//! but was made by a buggy writer still gives an error, never a panic or a huge allocation.

use crate::error::{Result, RuntimeError};
use crate::network::Network;
use crate::safe_file::{read_checked, write_checked, FileKind};
use crate::saved::SavedState;
use std::path::Path;

/// Bump when the payload layout changes; older files are then refused with
/// `io::unsupported_file_version`.
pub const STATE_FORMAT_VERSION: u32 = 1;

const STATE_KIND: FileKind = FileKind {
    tag: *b"STATE\0\0\0",
    version: STATE_FORMAT_VERSION,
};

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn f64(&mut self, x: f64) {
        self.u64(x.to_bits());
    }
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    path: &'a Path,
}

impl<'a> Reader<'a> {
    fn bad(&self, what: &str) -> RuntimeError {
        RuntimeError::File {
            code: "io::corrupted_file",
            path: self.path.display().to_string(),
            message: format!("the stored state is malformed ({what})"),
        }
    }
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if n > self.bytes.len() {
            return Err(self.bad(what));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4, what)?.try_into().expect("4"),
        ))
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8, what)?.try_into().expect("8"),
        ))
    }
    fn f64(&mut self, what: &str) -> Result<f64> {
        self.u64(what).map(f64::from_bits)
    }
    /// A count of items of `item_size` bytes each that must fit in what is left.
    fn len(&mut self, item_size: usize, what: &str) -> Result<usize> {
        let n = self.u64(what)?;
        if n.saturating_mul(item_size.max(1) as u64) > self.bytes.len() as u64 {
            return Err(self.bad(what));
        }
        Ok(n as usize)
    }
    fn str(&mut self, what: &str) -> Result<String> {
        let n = self.len(1, what)?;
        let bytes = self.take(n, what)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.bad(what))
    }
}

fn encode(states: &[(String, SavedState)]) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.u32(states.len() as u32);
    for (name, s) in states {
        w.str(name);
        w.len(s.arrays.len());
        for (array, values) in &s.arrays {
            w.str(array);
            w.len(values.len());
            values.iter().for_each(|x| w.f64(*x));
        }
        w.len(s.events.len());
        for events in &s.events {
            w.len(events.len());
            events.iter().for_each(|i| w.u32(*i as u32));
        }
        w.len(s.clocks.len());
        for (clock, dt, timestep) in &s.clocks {
            w.str(clock);
            w.f64(*dt);
            w.u64(*timestep);
        }
        w.f64(s.t);
        w.u64(s.seed);
        w.u64(s.rng_calls);
        w.len(s.queues.len());
        for (object, pending) in &s.queues {
            w.str(object);
            w.len(pending.len());
            for (steps, synapses, sources) in pending {
                w.u32(*steps);
                w.len(synapses.len());
                synapses.iter().for_each(|x| w.u32(*x));
                w.len(sources.len());
                sources.iter().for_each(|x| w.u32(*x));
            }
        }
    }
    w.0
}

fn decode(bytes: &[u8], path: &Path) -> Result<Vec<(String, SavedState)>> {
    let mut r = Reader { bytes, path };
    let count = r.u32("state count")?;
    let mut states = Vec::new();
    for _ in 0..count {
        let name = r.str("state name")?;
        let n_arrays = r.len(16, "array count")?;
        let mut arrays = Vec::with_capacity(n_arrays);
        for _ in 0..n_arrays {
            let array = r.str("array name")?;
            let n = r.len(8, "array length")?;
            let values = (0..n)
                .map(|_| r.f64("array values"))
                .collect::<Result<_>>()?;
            arrays.push((array, values));
        }
        let n_spaces = r.len(8, "event space count")?;
        let mut events = Vec::with_capacity(n_spaces);
        for _ in 0..n_spaces {
            let n = r.len(4, "event count")?;
            let list = (0..n)
                .map(|_| r.u32("events").map(|i| i as i32))
                .collect::<Result<_>>()?;
            events.push(list);
        }
        let n_clocks = r.len(24, "clock count")?;
        let mut clocks = Vec::with_capacity(n_clocks);
        for _ in 0..n_clocks {
            clocks.push((r.str("clock name")?, r.f64("dt")?, r.u64("timestep")?));
        }
        let (t, seed, rng_calls) = (r.f64("t")?, r.u64("seed")?, r.u64("random state")?);
        let n_queues = r.len(16, "queue count")?;
        let mut queues = Vec::with_capacity(n_queues);
        for _ in 0..n_queues {
            let object = r.str("pathway name")?;
            let n_steps = r.len(20, "pending step count")?;
            let mut pending = Vec::with_capacity(n_steps);
            for _ in 0..n_steps {
                let steps = r.u32("steps")?;
                let n = r.len(4, "pending synapse count")?;
                let synapses = (0..n).map(|_| r.u32("synapses")).collect::<Result<_>>()?;
                let n = r.len(4, "pending source count")?;
                let sources = (0..n).map(|_| r.u32("sources")).collect::<Result<_>>()?;
                pending.push((steps, synapses, sources));
            }
            queues.push((object, pending));
        }
        let saved = SavedState {
            arrays,
            events,
            clocks,
            t,
            seed,
            rng_calls,
            queues,
        };
        states.push((name, saved));
    }
    if !r.bytes.is_empty() {
        return Err(r.bad("bytes after the last state"));
    }
    Ok(states)
}

/// Writes named states to `path` (atomically, framed and checked).
pub fn write_state_file(path: &Path, states: &[(String, SavedState)]) -> Result<()> {
    write_checked(path, STATE_KIND, &encode(states))
}

/// Reads every named state of a file written by [`write_state_file`].
pub fn read_state_file(path: &Path) -> Result<Vec<(String, SavedState)>> {
    decode(&read_checked(path, STATE_KIND)?, path)
}

impl Network {
    /// Brian2's `store(name, filename)`: adds (or replaces) the state `name` in the file,
    /// keeping the other names it holds. A file that exists but cannot be read (corrupted,
    /// another format) is an error and stays as it is.
    pub fn store_to_file(&self, name: &str, path: &Path) -> Result<()> {
        let mut states = if path.exists() {
            read_state_file(path)?
        } else {
            Vec::new()
        };
        let saved = self.saved_state();
        match states.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = saved,
            None => states.push((name.to_string(), saved)),
        }
        write_state_file(path, &states)
    }

    /// Brian2's `restore(name, filename)`: the network returns to the state `name` of the file.
    pub fn restore_from_file(&self, name: &str, path: &Path) -> Result<()> {
        let states = read_state_file(path)?;
        let Some((_, saved)) = states.iter().find(|(n, _)| n == name) else {
            let names: Vec<&str> = states.iter().map(|(n, _)| n.as_str()).collect();
            return Err(RuntimeError::invalid(
                "network",
                format!(
                    "no state named '{name}' in '{}' (it holds {names:?})",
                    path.display()
                ),
            ));
        };
        self.load_saved_state(saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_backend;
    use crate::{NeuronGroup, NeuronGroupOptions};
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rheobase-state-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    fn network() -> (Network, NeuronGroup) {
        let net = Network::with_backend(test_backend());
        net.seed(5);
        let options = NeuronGroupOptions {
            method: Some("euler".into()),
            threshold: Some("v > 0.5".into()),
            reset: Some("v = 0".into()),
            ..Default::default()
        };
        let g = NeuronGroup::new(
            &net,
            4,
            "dv/dt = (0.6 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1",
            options,
        )
        .unwrap();
        (net, g)
    }

    #[test]
    fn states_round_trip_through_a_file_bit_for_bit() {
        let path = scratch("roundtrip.state");
        let (a, ga) = network();
        a.run(2e-3).unwrap();
        a.store_to_file("first", &path).unwrap();
        a.run(1e-3).unwrap();
        a.store_to_file("second", &path).unwrap();
        let states = read_state_file(&path).unwrap();
        assert_eq!(states.len(), 2);
        assert_eq!(states[1].1, a.saved_state());
        a.run(3e-3).unwrap();

        let (b, gb) = network();
        b.restore_from_file("second", &path).unwrap();
        b.run(3e-3).unwrap();
        let bits = |v: Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(ga.get("v").unwrap()), bits(gb.get("v").unwrap()));
        let e = b.restore_from_file("third", &path).unwrap_err();
        assert!(e.to_string().contains("\"first\", \"second\""), "{e}");
    }

    /// The three bad-file cases of issue 9, through the public API.
    #[test]
    fn truncated_corrupted_and_other_version_files_are_refused() {
        let path = scratch("bad.state");
        let (net, _) = network();
        net.run(1e-3).unwrap();
        net.store_to_file("s", &path).unwrap();
        let good = std::fs::read(&path).unwrap();
        let before = net.saved_state();
        let check = |bytes: &[u8], code: &str| {
            std::fs::write(&path, bytes).unwrap();
            let e = net.restore_from_file("s", &path).unwrap_err();
            assert_eq!(e.code(), code, "{e}");
            assert!(e.to_string().contains("bad.state"), "{e}");
            // A refused file changes nothing, and store refuses to overwrite it.
            assert_eq!(net.saved_state(), before);
            assert_eq!(net.store_to_file("s", &path).unwrap_err().code(), code);
        };
        check(&good[..good.len() / 2], "io::truncated_file");
        check(&good[..good.len() - 1], "io::truncated_file");
        let mut flipped = good.clone();
        flipped[good.len() / 2] ^= 0x10;
        check(&flipped, "io::corrupted_file");
        let mut newer = good[..good.len() - 4].to_vec();
        newer[16..20].copy_from_slice(&(STATE_FORMAT_VERSION + 1).to_le_bytes());
        let crc = crc32fast::hash(&newer);
        newer.extend_from_slice(&crc.to_le_bytes());
        check(&newer, "io::unsupported_file_version");
        check(b"\x80\x04\x95old pickle", "io::not_a_rheobase_file");
    }

    #[test]
    fn malformed_payloads_give_errors_not_panics() {
        let (net, _) = network();
        let payload = encode(&[("s".into(), net.saved_state())]);
        for len in 0..payload.len() {
            let r = decode(&payload[..len], Path::new("f"));
            assert_eq!(r.unwrap_err().code(), "io::corrupted_file");
        }
        let mut huge = payload.clone();
        huge[4..12].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode(&huge, Path::new("f")).is_err());
    }
}
