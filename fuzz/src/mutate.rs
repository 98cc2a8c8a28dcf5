//! Seeded, structure-aware mutations for the stable driver: byte flips, cuts, splices between seeds,
//! line shuffles, and the tokens that Dockerfile, shell and YAML parsers trip on.

/// A small, fast, seedable generator (xorshift64*): the same seed gives the same run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Tokens that start or end a construct somewhere in cachebust's parsers.
pub const TOKENS: &[&str] = &[
    "\\\n",
    "\\\r\n",
    "\\  \n",
    "`\n",
    "\n",
    "\r\n",
    "\r",
    "<<EOF\n",
    "<<-EOF\n",
    "<<'EOF'\n",
    "<<\"EOF\" cat > /x\n",
    "\nEOF\n",
    "<<A cat > a && <<B cat > b\n",
    "$(",
    ")",
    "$((",
    "${",
    "}",
    "${CACHE_BUST:-x}",
    "${A:?}",
    "$CACHE_BUST",
    "`",
    "\"",
    "'",
    "\\",
    "\u{feff}",
    "\0",
    "é",
    "😀",
    "\u{2028}",
    "\u{a0}",
    "# escape=`\n",
    "# escape=\\\n",
    "# syntax=docker/dockerfile:1\n",
    "# cachebust: ignore[CB001]\n",
    "# cachebust: ignore-file[CB003]\n",
    "# cachebust: ignore\n",
    "FROM alpine AS s\n",
    "FROM s\n",
    "FROM --platform=$BUILDPLATFORM ${BASE}\n",
    "ARG CACHE_BUST\n",
    "ARG CACHE_BUST=1\n",
    "ARG CACHEBUST\n",
    "ONBUILD ",
    "SHELL [\"powershell\", \"-Command\"]\n",
    "SHELL [\"cmd\", \"/S\", \"/C\"]\n",
    "RUN [\"sh\", \"-c\", \"git clone -b main https://github.com/a/b\"]\n",
    "RUN git clone -b main https://github.com/acme/a.git /a\n",
    "RUN pip install git+https://github.com/acme/b.git@dev\n",
    "RUN go install github.com/acme/c/cmd/c@latest\n",
    "RUN curl -fsSL https://github.com/acme/d/archive/refs/heads/main.tar.gz | tar xz\n",
    "RUN --mount=type=cache,target=/root/.cache ",
    "COPY requirements.txt .\n",
    "RUN pip install -r requirements.txt\n",
    "https://user:secret@github.com/a/b.git",
    "0123456789abcdef0123456789abcdef01234567",
    " && ",
    " || ",
    "; ",
    " | ",
    "# ",
    "\t",
    "    ",
    "sh -c '",
    "bash -c \"",
    "&a ",
    "*a",
    "<<: *a\n",
    "---\n",
    "...\n",
    "{",
    "[",
    "]",
    ": ",
    "- ",
    "? ",
    "|\n",
    ">-\n",
    "!!str ",
    "!!binary ",
    "%YAML 1.2\n",
    "services:\n",
    "  app:\n",
    "    build:\n",
    "      context: .\n",
    "      dockerfile: Dockerfile\n",
    "      dockerfile_inline: |\n        FROM alpine\n        RUN git clone https://github.com/a/b\n",
    "      args:\n",
    "        CACHE_BUST: ${CACHE_BUST:-x}\n",
    "        - CACHE_BUST=1\n",
    "      target: s\n",
    "    build: .\n",
    "x-base: &b\n",
    "build: {context: ., args: {A: 1}}\n",
    "context: ../../..\n",
    "dockerfile: /dev/null\n",
    "context: https://github.com/a/b.git#main\n",
];

/// Returns a mutation of `seed`, maybe spliced with `other`.
pub fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8], max_len: usize) -> Vec<u8> {
    let mut data = seed.to_vec();
    let rounds = 1 + rng.below(6);
    for _ in 0..rounds {
        mutate_once(rng, &mut data, other);
    }
    data.truncate(max_len);
    data
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let len = data.len();
    match rng.below(14) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = [0, 0xff, 0x80, 0xc3, b'\n', b'\\', b'$', b'"', b' '][rng.below(9)];
        }
        2..=4 => {
            let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
            let at = insertion_point(rng, data);
            data.splice(at..at, token.iter().copied());
        }
        5 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(32)).min(len);
            data.drain(start..end);
        }
        6 if len > 0 => {
            // Duplicate a range: repeated continuations, nested substitutions, repeated keys.
            let start = rng.below(len);
            let end = (start + 1 + rng.below(64)).min(len);
            let copy = data[start..end].to_vec();
            let most = if rng.chance(8) { 200 } else { 3 };
            let times = 1 + rng.below(most);
            let at = rng.below(len + 1);
            for _ in 0..times {
                data.splice(at..at, copy.iter().copied());
            }
        }
        7 if !other.is_empty() => {
            // Splice: the head of this input, the tail of another.
            let at = rng.below(len + 1);
            let from = rng.below(other.len());
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        8 => {
            let mut lines = split_lines(data);
            if lines.len() > 1 {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
                *data = lines.concat();
            }
        }
        9 => {
            let mut lines = split_lines(data);
            if !lines.is_empty() {
                let i = rng.below(lines.len());
                if rng.chance(2) {
                    lines.remove(i);
                } else {
                    let line = lines[i].clone();
                    lines.insert(i, line);
                }
                *data = lines.concat();
            }
        }
        10 => {
            // Line endings: all CRLF, or all LF.
            let text: Vec<u8> = data.iter().copied().filter(|b| *b != b'\r').collect();
            *data = if rng.chance(2) {
                text.iter()
                    .flat_map(|b| {
                        if *b == b'\n' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![*b]
                        }
                    })
                    .collect()
            } else {
                text
            };
        }
        11 => {
            // Indentation: YAML blocks and Dockerfile continuation lines.
            let at = insertion_point(rng, data);
            let pad = [b' ', b'\t'][rng.below(2)];
            let n = 1 + rng.below(8);
            data.splice(at..at, std::iter::repeat_n(pad, n));
        }
        12 => {
            let at = rng.below(len + 1);
            data.truncate(at);
        }
        _ => {
            if rng.chance(2) {
                data.splice(0..0, "\u{feff}".bytes());
            } else {
                data.push(b'\n');
            }
        }
    }
}

/// Mostly at a line start (where instructions and keys begin), else anywhere.
fn insertion_point(rng: &mut Rng, data: &[u8]) -> usize {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            data.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    if rng.chance(2) {
        starts[rng.below(starts.len())]
    } else {
        rng.below(data.len() + 1)
    }
}

fn split_lines(data: &[u8]) -> Vec<Vec<u8>> {
    data.split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}
