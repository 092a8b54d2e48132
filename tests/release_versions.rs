//! One version, one set of results: the table of released versions in docs/versions.md, the
//! crate's version and tests/pinned_hash.txt must agree (the rules are in that document).

const TABLE: &str = include_str!("../docs/versions.md");
const PINNED: &str = include_str!("pinned_hash.txt");

/// A version as `[major, minor, patch]` (a pre-release suffix such as `-rc.1` is not allowed in
/// the table: releases only).
fn parse_version(v: &str) -> Option<[u64; 3]> {
    let mut parts = v.split('.').map(|p| if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) { None } else { p.parse().ok() });
    let out = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(out)
}

/// The rows of the "Released versions" table: (version, pinned hash), or the problems with it.
fn released(doc: &str) -> Result<Vec<([u64; 3], String)>, Vec<String>> {
    let section = doc.split("## Released versions").nth(1).ok_or_else(|| vec!["no \"## Released versions\" section".to_string()])?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for line in section.lines().map(str::trim).filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells[0] == "version" || cells[0].starts_with("---") {
            continue;
        }
        let Some(v) = parse_version(cells[0]) else {
            problems.push(format!("{:?} is not a version x.y.z", cells[0]));
            continue;
        };
        let hash = cells.get(2).copied().unwrap_or("").trim_matches('`');
        if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(format!("{}: the pinned hash {hash:?} is not 16 hex digits", cells[0]));
            continue;
        }
        rows.push((v, hash.to_ascii_lowercase()));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn show(v: [u64; 3]) -> String {
    format!("{}.{}.{}", v[0], v[1], v[2])
}

/// Every broken rule for the current version and hash against the released rows.
fn check(rows: &[([u64; 3], String)], current: [u64; 3], hash: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, (v, h)) in rows.iter().enumerate() {
        for (w, g) in &rows[i + 1..] {
            if v == w {
                problems.push(format!("{} appears twice", show(*v)));
            } else if v[..2] == w[..2] && h != g {
                problems.push(format!("{} and {} give different results ({h}, {g}) within one minor version", show(*v), show(*w)));
            }
        }
    }
    match rows.iter().find(|(v, _)| *v == current) {
        Some((_, h)) if h != hash => problems.push(format!(
            "{} was released with results {h}, and the code now gives {hash}: a change of results is a new version (raise the minor or major number in Cargo.toml)",
            show(current)
        )),
        Some(_) => {}
        None => {
            if let Some((v, _)) = rows.iter().filter(|(v, _)| *v >= current).max() {
                problems.push(format!("{} is not released, and not newer than the released {}: a new version must be newer", show(current), show(*v)));
            }
            for (v, h) in rows.iter().filter(|(v, h)| v[..2] == current[..2] && h != hash) {
                problems.push(format!(
                    "{} gives results {hash}, and {} of the same minor version gave {h}: a change of results is a new minor or major version, never a patch",
                    show(current),
                    show(*v)
                ));
            }
        }
    }
    problems
}

#[test]
fn release_versions_keep_their_results() {
    let current = parse_version(env!("CARGO_PKG_VERSION")).expect("Cargo.toml's version is x.y.z");
    let rows = released(TABLE).unwrap_or_else(|p| panic!("docs/versions.md's table: {}", p.join("; ")));
    let problems = check(&rows, current, PINNED.trim());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_version_rules_catch_changed_results() {
    let a = "aaaaaaaaaaaaaaaa".to_string();
    let b = "bbbbbbbbbbbbbbbb";
    let rows = vec![([1, 4, 0], a.clone()), ([1, 4, 1], a.clone())];
    // Allowed: the released version itself; a new minor with new results; a patch with the same.
    assert!(check(&rows, [1, 4, 1], &a).is_empty());
    assert!(check(&rows, [1, 5, 0], b).is_empty());
    assert!(check(&rows, [1, 4, 2], &a).is_empty());
    assert!(check(&[], [0, 1, 0], b).is_empty());
    // Refused: new results under a released version, in a patch, or under an older version.
    assert!(check(&rows, [1, 4, 1], b)[0].contains("was released with results"));
    assert!(check(&rows, [1, 4, 2], b)[0].contains("never a patch"));
    assert!(check(&rows, [1, 3, 9], b)[0].contains("not newer"));
    assert!(check(&[([1, 4, 0], a.clone()), ([1, 4, 1], b.to_string())], [1, 5, 0], b)[0].contains("within one minor version"));
    assert!(check(&[([1, 4, 0], a.clone()), ([1, 4, 0], a.clone())], [1, 5, 0], b)[0].contains("twice"));
}

#[test]
fn the_table_is_read_as_written() {
    let doc = "# x\n## Released versions\n\n| version | date | pinned hash | what changed |\n|---|---|---|---|\n| 1.4.0 | 2027-01-05 | `A85E7D22083FEDC1` | model v1.4 |\n";
    assert_eq!(released(doc).unwrap(), vec![([1, 4, 0], "a85e7d22083fedc1".to_string())]);
    assert!(released("## Released versions\n| 1.4 | d | a85e7d22083fedc1 | x |\n").is_err());
    assert!(released("## Released versions\n| 1.4.0 | d | a85e7d | x |\n").is_err());
    assert!(released("| 1.4.0 | d | a85e7d22083fedc1 | x |\n").is_err());
    assert_eq!(parse_version("1.4.0-rc.1"), None);
}
