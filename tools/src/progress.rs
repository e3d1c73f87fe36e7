//! Progress lines on stderr for long builds (every 10 %, at most 11 lines).

/// Reports progress of a loop of `total` steps under a label.
pub struct Progress {
    label: &'static str,
    total: usize,
    next_decile: usize,
    quiet: bool,
}

impl Progress {
    /// Starts reporting; `quiet` suppresses every line.
    pub fn new(label: &'static str, total: usize, quiet: bool) -> Self {
        Progress {
            label,
            total,
            next_decile: 0,
            quiet,
        }
    }

    /// Marks step `done` (0-based count of finished steps) as finished.
    pub fn tick(&mut self, done: usize) {
        if self.quiet || self.total == 0 {
            return;
        }
        let decile = done * 10 / self.total;
        if decile >= self.next_decile {
            eprintln!("{}: {}% ({done}/{})", self.label, decile * 10, self.total);
            self.next_decile = decile + 1;
        }
    }
}
