//! `unspun lsp` end to end: a scripted client speaks JSON-RPC to the binary over stdio.

use crate::lsp_client::{apply_edits, file_uri, initialize, Client};
use serde_json::{json, Value};
use std::path::PathBuf;

/// A workspace folder of its own (a `.git` folder stops the configuration search there).
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("unspun-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

fn glue(diags: &[Value]) -> Vec<&Value> {
    diags
        .iter()
        .filter(|d| d["code"] == "glue.joined-words")
        .collect()
}

fn change(c: &mut Client, uri: &str, version: i64, text: &str) {
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

#[test]
fn a_session_from_open_to_exit() {
    let ws = workspace("session");
    let mut c = Client::start(&[], &ws);
    let init = initialize(&mut c, &ws);
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full text sync");
    assert_eq!(init["serverInfo"]["name"], "unspun");

    // Non-BMP characters before the finding: 🎉 is 4 bytes in UTF-8, 2 units in UTF-16.
    let path = ws.join("notes.md");
    let uri = file_uri(&path);
    // The doubled word is the document's other evidence of damage: without it a lone glued
    // word is only a hint (info), which an editor does not show at the default severity.
    let text = "# Notes 😀\n\nThe 🎉 team said thatRussia was ready.\n\nIt was the the best.\n";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics(&uri, 1);
    let found = glue(&diags);
    assert_eq!(found.len(), 1, "{diags:?}");
    let d = found[0].clone();
    // "The 🎉 team said " is 17 UTF-16 units (19 bytes, 16 characters).
    let range = json!({"start": {"line": 2, "character": 17}, "end": {"line": 2, "character": 27}});
    assert_eq!(d["range"], range);
    assert_eq!(d["source"], "unspun");
    assert_eq!(d["severity"], 2, "warning");
    assert_eq!(
        d["message"],
        "'thatRussia' looks like words run together: 'that Russia'"
    );
    assert_eq!(d["data"]["suggestion"], "that Russia");
    assert!(
        c.logs.iter().any(|l| l.contains("notes.md: score")),
        "{:?}",
        c.logs
    );

    // Hover inside the span: the finding and its rule's documentation.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 20}}),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("**glue.joined-words**"), "{md}");
    assert!(md.contains("Suggestion: 'that Russia'"), "{md}");
    assert_eq!(hover["range"], range);
    let outside = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 2}}),
    );
    assert_eq!(outside, Value::Null);

    // Code actions on the finding: the suggestion, an inline ignore, an allow-list entry.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range,
               "context": {"diagnostics": [d]}}),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Replace with 'that Russia'",
            "Ignore glue.joined-words on this line",
            "Add 'thatRussia' to the allow list in .unspun.toml"
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    // Glue fixes are not safe (a split may be wrong): offered, not preferred.
    assert_ne!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["range"], range);
    let doc_edit = &fix["edit"]["documentChanges"][0];
    assert_eq!(doc_edit["textDocument"], json!({"uri": uri, "version": 1}));
    assert_eq!(
        doc_edit["edits"],
        json!([{"range": range, "newText": "that Russia"}])
    );
    let fixed = apply_edits(text, doc_edit["edits"].as_array().unwrap());
    assert_eq!(fixed, text.replace("thatRussia", "that Russia"));

    // The ignore, applied by the editor: the finding is gone.
    let ignore_edits = actions[1]["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    let ignored = apply_edits(text, ignore_edits);
    assert_eq!(
        ignored,
        text.replace(
            "\nThe 🎉",
            "\n<!-- unspun-disable-next-line glue.joined-words -->\nThe 🎉"
        )
    );
    change(&mut c, &uri, 2, &ignored);
    assert_eq!(glue(&c.diagnostics(&uri, 2)), Vec::<&Value>::new());
    change(&mut c, &uri, 3, text);
    assert_eq!(glue(&c.diagnostics(&uri, 3)).len(), 1);

    // The allow-list entry creates .unspun.toml in the workspace; once the file is there and
    // the editor says so, every open document is checked again with it.
    let ops = actions[2]["edit"]["documentChanges"].as_array().unwrap();
    let config = ws.join(".unspun.toml");
    assert_eq!(ops[0]["kind"], "create");
    assert_eq!(ops[0]["uri"], file_uri(&config));
    let content = apply_edits("", ops[1]["edits"].as_array().unwrap());
    assert_eq!(content, "allow = [\"thatRussia\"]\n");
    std::fs::write(&config, &content).unwrap();
    let watched = |c: &mut Client, kind: u8| {
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri(&config), "type": kind}]}),
        )
    };
    watched(&mut c, 1);
    assert_eq!(glue(&c.diagnostics(&uri, 3)), Vec::<&Value>::new());
    // Nothing left to act on there.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    assert_eq!(
        actions,
        json!([]),
        "nothing to act on: the finding is allowed"
    );
    std::fs::remove_file(&config).unwrap();
    watched(&mut c, 3);
    assert_eq!(glue(&c.diagnostics(&uri, 3)).len(), 1);

    // The edit that removes the problem: no diagnostics at all.
    change(&mut c, &uri, 4, &fixed.replace("the the", "the"));
    assert_eq!(c.diagnostics(&uri, 4), Vec::<Value>::new());

    let status = c.shutdown();
    assert_eq!(status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&ws);
}

#[test]
fn allow_list_entries_go_to_the_configuration_in_force() {
    let ws = workspace("allow");
    let config = ws.join(".unspun.toml");
    let src = "# house rules\nmin-severity = \"warning\"\nallow = [\"Dentro Cafe\"]\n";
    std::fs::write(&config, src).unwrap();
    let mut c = Client::start(&[], &ws);
    initialize(&mut c, &ws);
    let uri = file_uri(&ws.join("a.txt"));
    let text = "He said thatRussia was ready. It was the the best.\n";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 7, "text": text}}),
    );
    let diags = c.diagnostics(&uri, 7);
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["glue.joined-words", "garble.repeated-word"]);
    // A range over both findings: the actions of each.
    let all = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 50}});
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": all, "context": {"diagnostics": diags}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Replace with 'that Russia'",
            "Ignore glue.joined-words on this line",
            "Add 'thatRussia' to the allow list in .unspun.toml",
            "Replace with 'the'",
            "Ignore garble.repeated-word on this line",
            "Add 'the the' to the allow list in .unspun.toml",
        ]
    );
    // Plain text: the ignore is a `#` line of its own.
    let ignore = &actions[1]["edit"]["documentChanges"][0]["edits"];
    assert_eq!(
        ignore,
        &json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                 "newText": "# unspun-disable-next-line glue.joined-words\n"}])
    );
    // The existing file is edited in place, its other lines kept.
    let edit = &actions[2]["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["uri"], file_uri(&config));
    let edited = apply_edits(src, edit["edits"].as_array().unwrap());
    assert_eq!(
        edited,
        src.replace("[\"Dentro Cafe\"]", "[\"Dentro Cafe\", \"thatRussia\"]")
    );
    // Saved by the editor (and synchronised as a document): reloaded, the word is allowed.
    std::fs::write(&config, &edited).unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file_uri(&config)}}),
    );
    let codes: Vec<String> = c
        .diagnostics(&uri, 7)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["garble.repeated-word"]);

    // A configuration error: shown to the user, the document left unchecked.
    std::fs::write(&config, "allow = 3\n").unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file_uri(&config)}}),
    );
    assert_eq!(c.diagnostics(&uri, 7), Vec::<Value>::new());
    let shown = c
        .seen
        .iter()
        .find(|v| v["method"] == "window/showMessage")
        .expect("the error is shown");
    assert_eq!(shown["params"]["type"], 1, "an error");
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains(".unspun.toml"), "{message}");
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&ws);
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let ws = workspace("exit");
    let mut c = Client::start(&["--stdio"], &ws);
    initialize(&mut c, &ws);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait().code(), Some(1));
    let _ = std::fs::remove_dir_all(&ws);
}
