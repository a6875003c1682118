//! Structural invariants that a reviewer would otherwise have to remember.

use std::process::Command;

/// The rules crate must build and test without the AWS SDK, and stay pure: the allocator
/// (a C library, set up through the environment) is the binary's (ARCHITECTURE.md).
#[test]
fn the_rules_crate_depends_on_neither_the_aws_sdk_nor_the_allocator() {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "posture-rules",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cannot run cargo tree");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    assert!(tree.starts_with("posture-rules"), "{tree}");
    let impure: Vec<&str> = tree
        .lines()
        .filter(|line| line.starts_with("aws-") || line.contains("mimalloc"))
        .collect();
    assert!(impure.is_empty(), "posture-rules depends on {impure:?}");
}
