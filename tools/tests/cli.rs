//! End-to-end runs of the `lighttouch` binary: the CLI contract.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lighttouch"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lighttouch-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn help_documents_every_build_model_flag() {
    let out = bin().args(["build-model", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--input",
        "--counts",
        "--item-counts",
        "--algorithm",
        "--neighbours",
        "--shrinkage",
        "--lambda",
        "--transitions",
        "--transition-window",
        "--transition-neighbours",
        "--quantisation",
        "--output",
        "--quiet",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    let out = bin().args(["eval", "--help"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("--data"));
}

#[test]
fn builds_the_same_model_from_a_log_and_from_counts_files() {
    let dir = temp_dir("build");
    std::fs::write(
        dir.join("log.csv"),
        "user,item,timestamp\nu1,a,1\nu1,b,2\nu1,c,3\nu2,a,1\nu2,b,2\nu3,b,1\nu3,c,2\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("pairs.csv"),
        "item_a,item_b,count\na,b,2\na,c,1\nc,b,2\n",
    )
    .unwrap();
    std::fs::write(dir.join("items.csv"), "item,count\na,2\nb,3\nc,2\n").unwrap();
    let run = |args: &[&str]| {
        let out = bin().args(args).current_dir(&dir).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    };
    let stderr = run(&[
        "build-model",
        "--input",
        "log.csv",
        "--neighbours",
        "2",
        "--output",
        "raw.bin",
    ]);
    assert!(stderr.contains("bytes/item"), "{stderr}");
    run(&[
        "build-model",
        "--counts",
        "pairs.csv",
        "--item-counts",
        "items.csv",
        "--neighbours",
        "2",
        "--output",
        "agg.bin",
    ]);
    let raw = std::fs::read(dir.join("raw.bin")).unwrap();
    assert_eq!(raw, std::fs::read(dir.join("agg.bin")).unwrap());
    let model = lighttouch::model::NeighbourModel::decode(&raw).unwrap();
    assert_eq!(model.item_ids(), ["a", "b", "c"]);
}

#[test]
fn bad_input_fails_with_a_message_naming_the_line() {
    let dir = temp_dir("bad");
    std::fs::write(dir.join("log.csv"), "user,item,timestamp\nu1,a,yesterday\n").unwrap();
    let out = bin()
        .args(["build-model", "--input", "log.csv", "--output", "m.bin"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 2: field \"timestamp\""), "{stderr}");
    assert!(!dir.join("m.bin").exists());
    let out = bin()
        .args([
            "build-model",
            "--counts",
            "p.csv",
            "--item-counts",
            "i.csv",
            "--transitions",
            "--output",
            "m.bin",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
}
