//! `unspun serve` speaks LanguageTool's HTTP API (`/v2/check`, `/v2/languages`): requests as
//! LanguageTool's documentation and its clients send them, answers checked against the
//! response format its documentation describes and read the way those clients read them.

use crate::support::serve::{form, Server};
use serde_json::{json, Value};

/// The answer format of `POST /v2/check` as LanguageTool's API documentation describes it:
/// the fields it marks required (the software section's, the language's, each match's).
fn languagetool_response_schema() -> Value {
    let string = json!({"type": "string"});
    let int = json!({"type": "integer", "minimum": 0});
    json!({
        "type": "object",
        "required": ["software", "language", "matches"],
        "properties": {
            "software": {
                "type": "object",
                "required": ["name", "version", "buildDate", "apiVersion"],
                "properties": {"name": string, "version": string, "buildDate": string,
                               "apiVersion": {"type": "integer"}, "premium": {"type": "boolean"},
                               "status": string}
            },
            "warnings": {"type": "object", "properties": {"incompleteResults": {"type": "boolean"}}},
            "language": {
                "type": "object",
                "required": ["name", "code", "detectedLanguage"],
                "properties": {
                    "name": string, "code": string,
                    "detectedLanguage": {"type": "object", "required": ["name", "code"],
                                         "properties": {"name": string, "code": string}}
                }
            },
            "matches": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["message", "offset", "length", "replacements", "context",
                                 "sentence", "rule"],
                    "properties": {
                        "message": string, "shortMessage": string,
                        "offset": int, "length": int,
                        "replacements": {"type": "array", "items": {
                            "type": "object", "required": ["value"],
                            "properties": {"value": string}}},
                        "context": {"type": "object", "required": ["text", "offset", "length"],
                                    "properties": {"text": string, "offset": int, "length": int}},
                        "sentence": string,
                        "rule": {
                            "type": "object",
                            "required": ["id", "description", "category"],
                            "properties": {
                                "id": string, "description": string, "issueType": string,
                                "category": {"type": "object", "properties": {"id": string, "name": string}}
                            }
                        }
                    }
                }
            }
        }
    })
}

/// The JSON Schema keywords `languagetool_response_schema` uses (type, required, properties,
/// items, minimum), checked by hand: the jsonschema crate is no dev-dependency any more (it
/// turned on features that made `cargo test` rebuild the library; see tests/library/main.rs).
fn schema_errors(schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let type_ok = match schema["type"].as_str() {
        Some("object") => v.is_object(),
        Some("array") => v.is_array(),
        Some("string") => v.is_string(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("boolean") => v.is_boolean(),
        Some(other) => panic!("schema type {other} not handled"),
        None => true,
    };
    if !type_ok {
        errors.push(format!("{at}: {v} is not of type {}", schema["type"]));
        return;
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_f64(), v.as_f64()) {
        if n < min {
            errors.push(format!("{at}: {n} is less than the minimum {min}"));
        }
    }
    for key in schema["required"].as_array().into_iter().flatten() {
        let key = key.as_str().unwrap();
        if v.get(key).is_none() {
            errors.push(format!("{at}: {key:?} is a required property"));
        }
    }
    if let Some(props) = schema["properties"].as_object() {
        for (key, sub) in props {
            if let Some(x) = v.get(key) {
                schema_errors(sub, x, &format!("{at}/{key}"), errors);
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            schema_errors(items, x, &format!("{at}/{i}"), errors);
        }
    }
}

fn check(server: &Server, content_type: &str, body: &str) -> (u16, Value) {
    let (status, head, b) = server.request(
        "POST",
        "/v2/check",
        &format!("Content-Type: {content_type}\r\nAccept: application/json\r\n"),
        body.as_bytes(),
    );
    if status != 200 {
        return (status, Value::String(String::from_utf8_lossy(&b).into()));
    }
    assert!(head.contains("Content-Type: application/json"), "{head}");
    let v: Value = serde_json::from_slice(&b).expect("a JSON answer");
    let mut errors = Vec::new();
    schema_errors(&languagetool_response_schema(), &v, "", &mut errors);
    assert!(errors.is_empty(), "{errors:?} in {v}");
    (status, v)
}

/// The text a client underlines: `offset`/`length` counted in UTF-16 code units, as Java and
/// JavaScript index strings.
fn utf16_slice(text: &str, offset: &Value, length: &Value) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let (o, l) = (
        offset.as_u64().unwrap() as usize,
        length.as_u64().unwrap() as usize,
    );
    String::from_utf16(&units[o..o + l]).unwrap()
}

#[test]
fn the_documented_text_request_gets_a_languagetool_answer() {
    let server = Server::start(&[]);
    // text + language, form-encoded, as in LanguageTool's API documentation.
    let text =
        "😀 He said thatRussia was ready. The cyber assailants struck in no unpredictable terms.";
    let (status, v) = check(
        &server,
        "application/x-www-form-urlencoded",
        &form(&[("text", text), ("language", "en-US")]),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["language"]["code"], "en-US");
    assert_eq!(v["language"]["name"], "English (US)");
    assert_eq!(v["software"]["apiVersion"], 1);
    let matches = v["matches"].as_array().unwrap();
    let glue = matches
        .iter()
        .find(|m| m["rule"]["id"] == "glue.joined-words")
        .expect("the glued words are reported");
    // UTF-16 offsets: the emoji is two code units (four bytes).
    assert_eq!(glue["offset"], 11);
    assert_eq!(glue["length"], 10);
    assert_eq!(
        utf16_slice(text, &glue["offset"], &glue["length"]),
        "thatRussia"
    );
    assert_eq!(glue["replacements"], json!([{"value": "that Russia"}]));
    assert_eq!(
        glue["rule"]["category"],
        json!({"id": "GLUE", "name": "Words run together"})
    );
    assert_eq!(glue["rule"]["issueType"], "misspelling");
    assert_eq!(glue["sentence"], "😀 He said thatRussia was ready.");
    let ctx = &glue["context"];
    assert_eq!(
        utf16_slice(
            ctx["text"].as_str().unwrap(),
            &ctx["offset"],
            &ctx["length"]
        ),
        "thatRussia"
    );
    // Every match underlines the text its finding is about.
    for m in matches {
        let s = utf16_slice(text, &m["offset"], &m["length"]);
        assert!(m["message"].as_str().unwrap().contains(&*s), "{s:?}: {m}");
    }
    // The same through GET with a query string.
    let (status, _, b) = server.get(&format!(
        "/v2/check?{}",
        form(&[("text", text), ("language", "auto")])
    ));
    assert_eq!(status, 200);
    let got: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(got["matches"].as_array().unwrap().len(), matches.len());
    assert_eq!(got["language"]["detectedLanguage"]["code"], "en");

    // A text in another language: the language stage says which, and the English checks
    // stay quiet.
    let fr = "La mairie a présenté hier un projet de piste cyclable le long du fleuve. Les \
              habitants du quartier craignent que les travaux bloquent la circulation pendant \
              tout l'été, mais le maire assure que ce ne sera pas le cas.";
    let (status, v) = check(
        &server,
        "application/x-www-form-urlencoded",
        &form(&[("text", fr), ("language", "auto")]),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["language"]["detectedLanguage"]["code"], "fr");
    assert_eq!(v["language"]["detectedLanguage"]["name"], "French");
    assert_eq!(v["matches"], json!([]));
    assert_eq!(v["unspun"]["verdict"], "not English");
}

#[test]
fn the_documented_data_example_and_markup_offsets() {
    let server = Server::start(&[]);
    // The annotated-text example of LanguageTool's documentation: nothing to report.
    let data = r#"{"annotation":[
        {"text": "A "},
        {"markup": "<b>"},
        {"text": "test"},
        {"markup": "</b>"}
    ]}"#;
    let (status, v) = check(
        &server,
        "application/x-www-form-urlencoded",
        &form(&[("data", data), ("language", "en-US")]),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["matches"], json!([]));

    // Markup between two halves of a word, markup read as a paragraph break: offsets count in
    // the original (text and markup), the check reads the text (with interpretAs).
    let parts = json!({"annotation": [
        {"markup": "<p>", "interpretAs": "\n\n"},
        {"text": "He said that"}, {"markup": "<b>"}, {"text": "Russia"}, {"markup": "</b>"},
        {"text": " was ready. The talks ended in no unpre"}, {"markup": "<i></i>"},
        {"text": "dictable terms."},
        {"markup": "</p>", "interpretAs": "\n\n"}
    ]});
    let original: String = parts["annotation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.get("text").or(p.get("markup")).unwrap().as_str().unwrap())
        .collect();
    let (status, v) = check(
        &server,
        "application/x-www-form-urlencoded",
        &form(&[("data", &parts.to_string()), ("language", "auto")]),
    );
    assert_eq!(status, 200, "{v}");
    let spans: Vec<(String, String)> = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["rule"]["id"].as_str().unwrap().to_string(),
                utf16_slice(&original, &m["offset"], &m["length"]),
            )
        })
        .collect();
    assert!(
        spans.contains(&("glue.joined-words".into(), "that<b>Russia".into())),
        "{spans:?}"
    );
    assert!(
        spans.contains(&(
            "swap.idiom".into(),
            "in no unpre<i></i>dictable terms".into()
        )),
        "the word split by markup is read as one: {spans:?}"
    );
}

#[test]
fn requests_as_ltex_and_the_obsidian_plugin_send_them() {
    let server = Server::start(&[]);
    let data = json!({"annotation": [
        {"markup": "# "}, {"text": "Notes"}, {"markup": "\n\n", "interpretAs": "\n\n"},
        {"text": "He said thatRussia was ready in no unpredictable terms."}
    ]})
    .to_string();
    // LTeX: a form body labelled application/json, language, data.
    let (status, v) = check(
        &server,
        "application/json",
        &form(&[("language", "en-US"), ("data", &data)]),
    );
    assert_eq!(status, 200, "{v}");
    // What LTeX reads of each match: offset, length, replacements[].value, rule.id, sentence,
    // message.
    let m = &v["matches"][0];
    assert_eq!(m["offset"].as_u64(), Some(17));
    assert_eq!(m["length"].as_u64(), Some(10));
    assert_eq!(m["replacements"][0]["value"], "that Russia");
    assert_eq!(m["rule"]["id"], "glue.joined-words");
    assert_eq!(
        m["sentence"],
        "He said thatRussia was ready in no unpredictable terms."
    );
    assert!(m["message"].is_string());

    // The Obsidian plugin: language=auto, enabledOnly=false, level, and its categories
    // switched off by LanguageTool id (none of them is unspun's).
    let (status, v) = check(
        &server,
        "application/x-www-form-urlencoded",
        &form(&[
            ("data", &data),
            ("language", "auto"),
            ("enabledOnly", "false"),
            ("level", "default"),
            ("disabledCategories", "CASING,COLLOCATIONS,TYPOS,STYLE"),
            ("preferredVariants", "en-US"),
        ]),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["matches"][0]["rule"]["category"]["id"], "GLUE");
    assert_eq!(v["language"]["detectedLanguage"]["code"], "en");

    // Switching rules and categories off, and enabledOnly.
    let ask = |extra: &[(&str, &str)]| {
        let mut p = vec![
            ("text", "He said thatRussia was ready. Once once again."),
            ("language", "en"),
        ];
        p.extend_from_slice(extra);
        let (_, v) = check(&server, "application/x-www-form-urlencoded", &form(&p));
        let ids: Vec<String> = v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["rule"]["id"].as_str().unwrap().to_string())
            .collect();
        ids
    };
    let all = ask(&[]);
    assert!(
        all.contains(&"glue.joined-words".into()) && all.contains(&"garble.repeated-word".into()),
        "{all:?}"
    );
    assert!(!ask(&[("disabledRules", "glue.joined-words")]).contains(&"glue.joined-words".into()));
    assert!(!ask(&[("disabledCategories", "glue")]).contains(&"glue.joined-words".into()));
    assert_eq!(
        ask(&[("enabledOnly", "true"), ("enabledCategories", "GARBLE")]),
        vec!["garble.repeated-word".to_string()]
    );
}

#[test]
fn languages_and_errors_as_languagetool_gives_them() {
    let server = Server::start(&[]);
    let (status, _, b) = server.get("/v2/languages");
    assert_eq!(status, 200);
    let langs: Vec<Value> = serde_json::from_slice(&b).unwrap();
    assert!(langs
        .iter()
        .all(|l| l["name"].is_string() && l["code"] == "en" && l["longCode"].is_string()));
    assert!(langs.iter().any(|l| l["longCode"] == "en-US"));

    let (status, msg) = check(
        &server,
        "application/x-www-form-urlencoded",
        &form(&[("text", "Das ist gut."), ("language", "de-DE")]),
    );
    assert_eq!(status, 400);
    assert!(
        msg.as_str().unwrap().starts_with("Error: ") && msg.as_str().unwrap().contains("English")
    );
    let (status, msg) = check(
        &server,
        "application/x-www-form-urlencoded",
        "language=en-US",
    );
    assert_eq!(status, 400);
    assert!(msg.as_str().unwrap().contains("'text' or 'data'"), "{msg}");
    let (status, _) = check(
        &server,
        "application/x-www-form-urlencoded",
        &form(&[("data", "{\"annotation\": [{\"text\": 3}]}")]),
    );
    assert_eq!(status, 400);
    assert_eq!(server.get("/v2/check").0, 400);
    server.assert_healthy();
}
