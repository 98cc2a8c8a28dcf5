//! Compose's variable interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
//! `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, `$VAR`, and `$$` for a literal `$`.

/// Where a variable's value comes from (the process environment, or a fixed map in tests).
pub type Env<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// A value that cannot be known here: a variable with no value and no default, a `?` error, or a
/// malformed `${…}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub name: String,
}

/// Whether the text takes part of its value from a variable, so that it can change between builds.
pub fn has_interpolation(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            match bytes.get(i + 1) {
                Some(b'$') => i += 1,
                Some(b'{') => return true,
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => return true,
                _ => {}
            }
        }
        i += 1;
    }
    false
}

/// The text with every variable substituted as `docker compose` does. An unset `${VAR}` is
/// [`Unresolved`] rather than empty: compose would warn and use an empty string, which would make a
/// path point somewhere the author did not mean.
pub fn interpolate(text: &str, env: Env<'_>) -> Result<String, Unresolved> {
    if nesting(text) > MAX_NESTING {
        return Err(unresolved(text));
    }
    interpolate_at(text, env)
}

/// `${…}` nested deeper than this is not interpolated (each level is a recursion).
pub const MAX_NESTING: usize = 64;

/// How deep the `${…}` of the text nest (without recursion).
pub fn nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
                i += 1;
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

fn interpolate_at(text: &str, env: Env<'_>) -> Result<String, Unresolved> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end = closing_brace(body).ok_or_else(|| unresolved(body))?;
            out.push_str(&braced(&body[..end], env)?);
            rest = &body[end + 1..];
        } else {
            let len = name_len(after);
            if len == 0 {
                out.push('$');
            } else {
                out.push_str(&env(&after[..len]).ok_or_else(|| unresolved(&after[..len]))?);
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of `NAME…` inside `${…}`.
fn braced(body: &str, env: Env<'_>) -> Result<String, Unresolved> {
    let len = name_len(body);
    let (name, op) = body.split_at(len);
    if name.is_empty() {
        return Err(unresolved(body));
    }
    let value = env(name);
    let set = value.is_some();
    let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
    let (word, test, kind) = match op {
        "" => return value.ok_or_else(|| unresolved(name)),
        _ if op.starts_with(":-") => (&op[2..], non_empty, '-'),
        _ if op.starts_with(":?") => (&op[2..], non_empty, '?'),
        _ if op.starts_with(":+") => (&op[2..], non_empty, '+'),
        _ if op.starts_with('-') => (&op[1..], set, '-'),
        _ if op.starts_with('?') => (&op[1..], set, '?'),
        _ if op.starts_with('+') => (&op[1..], set, '+'),
        _ => return Err(unresolved(name)),
    };
    match (kind, test) {
        ('-', true) | ('?', true) => Ok(value.unwrap_or_default()),
        ('-', false) | ('+', true) => interpolate_at(word, env),
        ('+', false) => Ok(String::new()),
        _ => Err(unresolved(name)),
    }
}

/// The index of the `}` that closes a `${`, counting nested `${…}` in defaults.
fn closing_brace(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

use crate::model::scope::name_len;

fn unresolved(name: &str) -> Unresolved {
    Unresolved {
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "DIR" => Some("./api".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn run(text: &str) -> Result<String, Unresolved> {
        interpolate(text, &env)
    }

    #[test]
    fn forms() {
        assert_eq!(run("${DIR}/x").unwrap(), "./api/x");
        assert_eq!(run("$DIR-x").unwrap(), "./api-x");
        assert_eq!(run("${NOPE:-./web}").unwrap(), "./web");
        assert_eq!(run("${EMPTY:-d}").unwrap(), "d");
        assert_eq!(run("${EMPTY-d}").unwrap(), "");
        assert_eq!(run("${NOPE-${DIR}}").unwrap(), "./api");
        assert_eq!(run("${DIR:?set it}").unwrap(), "./api");
        assert_eq!(run("${DIR:+alt}|${NOPE+alt}").unwrap(), "alt|");
        assert_eq!(run("a$$b $$DIR $").unwrap(), "a$b $DIR $");
        assert_eq!(run("${NOPE:?set it}").unwrap_err().name, "NOPE");
        assert_eq!(run("${NOPE}").unwrap_err().name, "NOPE");
        assert!(run("${DIR").is_err());
    }

    #[test]
    fn nested_forms() {
        assert_eq!(run("${NOPE:+${NOPE}}").unwrap(), "");
        assert_eq!(run("${DIR:+${DIR}/x}").unwrap(), "./api/x");
        assert_eq!(run("${NOPE:-${NOPE2:-${DIR}}}/y").unwrap(), "./api/y");
        assert_eq!(run("${NOPE-$${DIR}}").unwrap(), "${DIR}");
        assert_eq!(run("${EMPTY:+${NOPE}}").unwrap(), "");
        assert_eq!(run("${DIR:?${NOPE}}").unwrap(), "./api");
    }

    /// Nesting 12,000 deep overflowed the stack: past the bound it is not interpolated.
    #[test]
    fn nesting_is_bounded() {
        let deep = |n| format!("{}.{}", "${X:-".repeat(n), "}".repeat(n));
        assert_eq!(nesting(&deep(12_000)), 12_000);
        assert!(run(&deep(12_000)).is_err());
        assert_eq!(run(&deep(MAX_NESTING)).unwrap(), ".");
        assert!(run(&deep(MAX_NESTING + 1)).is_err());
    }

    #[test]
    fn what_changes() {
        assert!(has_interpolation("${CACHE_BUST:-unknown}"));
        assert!(has_interpolation("x-$CACHE_BUST"));
        assert!(!has_interpolation("1"));
        assert!(!has_interpolation("$$CACHE_BUST"));
        assert!(!has_interpolation("cost $5"));
    }
}
