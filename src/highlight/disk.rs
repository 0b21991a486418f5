//! The cache of highlighted blocks kept on disk between builds (`.versus-cache/highlight.bin`).
//!
//! **For:** reading blocks of the previous build by key, one at a time ([`DiskCache`]), and
//! writing this build's blocks as they are rendered ([`CacheWriter`]). Neither holds the
//! blocks in memory: on a 10,000-page site they are ~200 MB of HTML, which used to be read
//! whole before rendering and kept whole until the end, a third of the build's peak memory.
//!
//! **Not for:** deciding what a key is or which blocks may be cached (the highlighter does),
//! or the in-memory cache the preview server keeps between rebuilds.
//!
//! # File format (little-endian)
//!
//! ```text
//! header   magic (16 bytes) · identity u64
//! data     the HTML of each block, back to back
//! index    per block: key u64 · offset u64 · length u32 · xxh3 of the HTML u64
//! footer   index offset u64 · count u64 · xxh3 of the index u64 · identity u64 · magic
//! ```
//!
//! Opening reads only the footer and the index (28 bytes a block). A block is checked
//! against its hash when read, so a damaged file costs a re-highlight, never wrong HTML.
//! Blocks are read with positional reads (`pread`), so render threads never queue behind
//! one another for a shared file cursor.
//! The file is written under a temporary name and renamed into place when complete.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use xxhash_rust::xxh3::xxh3_64;

use super::lock;

const MAGIC: &[u8; 16] = b"versus-hl-cach2\n";
const HEADER: u64 = 16 + 8;
const FOOTER: usize = 8 * 4 + 16;
const ENTRY: usize = 8 + 8 + 4 + 8;

/// Where one block's HTML is in the file.
#[derive(Clone, Copy)]
struct Slot {
    offset: u64,
    len: u32,
    hash: u64,
}

/// The previous build's cache file, open for lookups.
pub struct DiskCache {
    file: File,
    index: HashMap<u64, Slot>,
}

impl DiskCache {
    /// Opens `path`. A missing file is `Ok(None)`; a file written for other syntaxes or
    /// themes (`identity`), by another version, or damaged in its index is `Err`.
    pub fn open(path: &Path, identity: u64) -> Result<Option<DiskCache>, String> {
        let bad = || format!("ignoring corrupt or outdated cache {}", path.display());
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let size = file.metadata().map_err(|_| bad())?.len();
        if size < HEADER + FOOTER as u64 {
            return Err(bad());
        }
        let mut footer = [0u8; FOOTER];
        file.seek(SeekFrom::End(-(FOOTER as i64)))
            .and_then(|_| file.read_exact(&mut footer))
            .map_err(|_| bad())?;
        let word = |i: usize| u64::from_le_bytes(footer[i * 8..i * 8 + 8].try_into().unwrap());
        let (index_at, count, index_hash, id) = (word(0), word(1), word(2), word(3));
        if &footer[32..] != MAGIC || id != identity {
            return Err(bad());
        }
        let index_len = count.checked_mul(ENTRY as u64).ok_or_else(bad)?;
        if index_at < HEADER || index_at.checked_add(index_len) != Some(size - FOOTER as u64) {
            return Err(bad());
        }
        let mut raw = vec![0u8; index_len as usize];
        file.seek(SeekFrom::Start(index_at))
            .and_then(|_| file.read_exact(&mut raw))
            .map_err(|_| bad())?;
        if xxh3_64(&raw) != index_hash {
            return Err(bad());
        }
        let mut index = HashMap::with_capacity(count as usize);
        for e in raw.chunks_exact(ENTRY) {
            let key = u64::from_le_bytes(e[0..8].try_into().unwrap());
            let offset = u64::from_le_bytes(e[8..16].try_into().unwrap());
            let len = u32::from_le_bytes(e[16..20].try_into().unwrap());
            let hash = u64::from_le_bytes(e[20..28].try_into().unwrap());
            if offset < HEADER || offset + len as u64 > index_at {
                return Err(bad());
            }
            index.insert(key, Slot { offset, len, hash });
        }
        Ok(Some(DiskCache { file, index }))
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// The HTML stored under `key`, if it is there and intact.
    pub fn get(&self, key: u64) -> Option<String> {
        let slot = *self.index.get(&key)?;
        read_slot(&self.file, slot)
    }
}

fn read_slot(file: &File, slot: Slot) -> Option<String> {
    let mut buf = vec![0u8; slot.len as usize];
    read_exact_at(file, &mut buf, slot.offset).ok()?;
    (xxh3_64(&buf) == slot.hash)
        .then(|| String::from_utf8(buf).ok())
        .flatten()
}

/// Fills `buf` from `offset` without moving the file's cursor (any number of threads at once).
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Fills `buf` from `offset` (Windows' positional read; it may return short counts).
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Fills `buf` from `offset`: elsewhere, a seek and a read under one process-wide lock.
#[cfg(not(any(unix, windows)))]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    static SEEK: Mutex<()> = Mutex::new(());
    let _one_at_a_time = lock(&SEEK);
    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// This build's cache file, written as blocks come.
pub struct CacheWriter {
    path: PathBuf,
    tmp: PathBuf,
    identity: u64,
    state: Mutex<WriterState>,
}

struct WriterState {
    out: BufWriter<File>,
    /// To read back a block written earlier in this build (the same snippet on two pages).
    reader: File,
    end: u64,
    slots: HashMap<u64, Slot>,
    /// The first write error: the file is then abandoned.
    failed: Option<io::Error>,
}

impl CacheWriter {
    /// Starts `path` (creating its folder) under a temporary name.
    pub fn create(path: &Path, identity: u64) -> io::Result<CacheWriter> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let file = File::create(&tmp)?;
        let reader = File::open(&tmp)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(MAGIC)?;
        out.write_all(&identity.to_le_bytes())?;
        Ok(CacheWriter {
            path: path.to_path_buf(),
            tmp,
            identity,
            state: Mutex::new(WriterState {
                out,
                reader,
                end: HEADER,
                slots: HashMap::new(),
                failed: None,
            }),
        })
    }

    /// Adds a block; a key already written is skipped.
    pub fn add(&self, key: u64, html: &str) {
        let mut s = lock(&self.state);
        if s.failed.is_some() || s.slots.contains_key(&key) {
            return;
        }
        let Ok(len) = u32::try_from(html.len()) else {
            return;
        };
        match s.out.write_all(html.as_bytes()) {
            Ok(()) => {
                let slot = Slot {
                    offset: s.end,
                    len,
                    hash: xxh3_64(html.as_bytes()),
                };
                s.end += len as u64;
                s.slots.insert(key, slot);
            }
            Err(e) => s.failed = Some(e),
        }
    }

    /// A block written earlier in this build.
    pub fn get(&self, key: u64) -> Option<String> {
        let mut s = lock(&self.state);
        let slot = *s.slots.get(&key)?;
        // Rare (the same block twice in one build): flushing here costs nothing noticeable.
        s.out.flush().ok()?;
        read_slot(&s.reader, slot)
    }

    /// Writes the index and footer, and renames the file into place. Returns how many
    /// blocks it holds. On error the temporary file is removed and the old cache stays.
    pub fn finish(self) -> io::Result<usize> {
        let result = self.complete();
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        result
    }

    fn complete(&self) -> io::Result<usize> {
        let mut s = lock(&self.state);
        if let Some(e) = s.failed.take() {
            return Err(e);
        }
        let mut slots: Vec<(u64, Slot)> = s.slots.iter().map(|(k, v)| (*k, *v)).collect();
        slots.sort_unstable_by_key(|(k, _)| *k);
        let mut index = Vec::with_capacity(slots.len() * ENTRY);
        for (key, slot) in &slots {
            index.extend_from_slice(&key.to_le_bytes());
            index.extend_from_slice(&slot.offset.to_le_bytes());
            index.extend_from_slice(&slot.len.to_le_bytes());
            index.extend_from_slice(&slot.hash.to_le_bytes());
        }
        let index_at = s.end;
        s.out.write_all(&index)?;
        for word in [index_at, slots.len() as u64, xxh3_64(&index), self.identity] {
            s.out.write_all(&word.to_le_bytes())?;
        }
        s.out.write_all(MAGIC)?;
        // No fsync: after a crash a half-written file fails its footer or block hashes and is
        // ignored, and syncing 200 MB cost a large site's build a noticeable pause.
        s.out.flush()?;
        fs::rename(&self.tmp, &self.path)?;
        Ok(slots.len())
    }
}

impl Drop for CacheWriter {
    fn drop(&mut self) {
        // Not finished (or finished: then the file has been renamed and this is a no-op).
        let _ = fs::remove_file(&self.tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_duplicates_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c/highlight.bin");
        assert!(DiskCache::open(&path, 7).unwrap().is_none());
        let w = CacheWriter::create(&path, 7).unwrap();
        w.add(1, "<b>one</b>");
        w.add(2, "two ✓");
        w.add(1, "ignored: key already written");
        assert_eq!(w.get(2).as_deref(), Some("two ✓"));
        assert_eq!(w.get(3), None);
        assert_eq!(w.finish().unwrap(), 2);
        let leftovers = fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "only the cache file, no temporary file");

        let c = DiskCache::open(&path, 7).unwrap().unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(1).as_deref(), Some("<b>one</b>"));
        assert_eq!(c.get(2).as_deref(), Some("two ✓"));
        assert_eq!(c.get(9), None);
        // Other syntaxes or themes: not used.
        assert!(DiskCache::open(&path, 8).is_err());

        // A damaged block is a miss, not wrong HTML; a damaged index rejects the file.
        let mut bytes = fs::read(&path).unwrap();
        bytes[HEADER as usize + 3] ^= 0xff;
        fs::write(&path, &bytes).unwrap();
        let c = DiskCache::open(&path, 7).unwrap().unwrap();
        assert_eq!(c.get(1), None);
        assert_eq!(c.get(2).as_deref(), Some("two ✓"));
        let n = bytes.len();
        bytes[n - FOOTER - 5] ^= 0xff;
        fs::write(&path, &bytes).unwrap();
        assert!(DiskCache::open(&path, 7).is_err());
        fs::write(&path, &bytes[..10]).unwrap();
        assert!(DiskCache::open(&path, 7).is_err());
        fs::write(&path, b"").unwrap();
        assert!(DiskCache::open(&path, 7).is_err());
    }

    #[test]
    fn many_threads_read_blocks_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("highlight.bin");
        let html = |k: u64| format!("<i>{k}</i>").repeat(1 + k as usize % 7);
        let w = CacheWriter::create(&path, 1).unwrap();
        for k in 0..300 {
            w.add(k, &html(k));
        }
        w.finish().unwrap();
        let c = DiskCache::open(&path, 1).unwrap().unwrap();
        // Each thread walks the blocks in its own order: a shared cursor would mix them up.
        std::thread::scope(|s| {
            for t in 0..8u64 {
                let (c, html) = (&c, &html);
                s.spawn(move || {
                    for i in 0..3000u64 {
                        let k = (i * (2 * t + 1) + t * 37) % 300;
                        assert_eq!(c.get(k), Some(html(k)), "block {k} on thread {t}");
                    }
                });
            }
        });
    }

    #[test]
    fn an_unfinished_writer_leaves_the_old_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("highlight.bin");
        let w = CacheWriter::create(&path, 1).unwrap();
        w.add(1, "old");
        w.finish().unwrap();
        let w = CacheWriter::create(&path, 1).unwrap();
        w.add(2, "new");
        drop(w);
        let c = DiskCache::open(&path, 1).unwrap().unwrap();
        assert_eq!(c.get(1).as_deref(), Some("old"));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
