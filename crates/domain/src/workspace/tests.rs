//! The workspace settings' rules and their sealed storage.

use super::*;

/// Stands in for the console's sealing: reversible, bound to `what`, never the clear text.
struct Reverse;
impl Sealer for Reverse {
    fn seal(&self, what: &str, clear: &str) -> Result<String, String> {
        Ok(format!(
            "{what}|{}",
            clear.chars().rev().collect::<String>()
        ))
    }
    fn open(&self, what: &str, sealed: &str) -> Result<String, String> {
        let (w, body) = sealed.split_once('|').ok_or("not sealed")?;
        if w != what {
            return Err(format!("sealed for {w}, not {what}"));
        }
        Ok(body.chars().rev().collect())
    }
}

#[test]
fn secrets_are_stored_sealed_and_clear_ones_still_read() {
    let mut ws = WorkspaceSettings::default();
    ws.access_keys.push(AccessKey {
        id: "AKIAEXAMPLE".into(),
        secret: "s3cret".into(),
    });
    let stored = ws.to_stored(&Reverse).unwrap();
    let get = |stored: &Vec<(Key, Option<String>)>, k: Key| {
        stored
            .iter()
            .find(|(s, _)| *s == k)
            .and_then(|(_, v)| v.clone())
    };
    let keys = get(&stored, Key::AccessKeys).unwrap();
    assert!(!keys.contains("s3cret"), "{keys}");
    assert!(!WorkspaceSettings::stored_in_clear(|k| get(&stored, k)));
    // A store from before secrets were sealed.
    let clear = r#"[{"id":"AKIAEXAMPLE","secret":"s3cret"}]"#.to_string();
    let legacy = |k: Key| (k == Key::AccessKeys).then(|| clear.clone());
    assert!(WorkspaceSettings::stored_in_clear(legacy));
    let back = WorkspaceSettings::from_stored(legacy, &Reverse).unwrap();
    assert_eq!(back.access_keys, ws.access_keys);
    // A sealed secret moved to another key does not open.
    let moved = keys.replace(r#""id":"AKIAEXAMPLE""#, r#""id":"AKIAOTHER""#);
    let err =
        WorkspaceSettings::from_stored(|k| (k == Key::AccessKeys).then(|| moved.clone()), &Reverse)
            .unwrap_err();
    assert_eq!(err.key, "access_keys");
}

#[test]
fn settings_survive_being_stored_and_read() {
    let mut ws = WorkspaceSettings::default();
    ws.access_keys.push(AccessKey {
        id: "AKIAEXAMPLE".into(),
        secret: "s3cret".into(),
    });
    ws.apply(
        &WorkspaceUpdate {
            region: Some("eu-west-2"),
            signatures: Some(Signatures::Required),
            issuer_base_url: Some("http://127.0.0.1:9229/"),
            smtp_server: Some("localhost:1025"),
            ..Default::default()
        },
        41,
    )
    .unwrap();
    let stored = ws.to_stored(&Reverse).unwrap();
    let back = WorkspaceSettings::from_stored(
        |k| {
            stored
                .iter()
                .find(|(s, _)| *s == k)
                .and_then(|(_, v)| v.clone())
        },
        &Reverse,
    )
    .unwrap();
    assert_eq!(back, ws);
    assert_eq!(
        back.issuer_base_url.as_deref(),
        Some("http://127.0.0.1:9229")
    );
    assert_eq!(
        back.smtp().unwrap().after,
        41,
        "delivery starts after the newest message"
    );
    assert!(!format!("{:?}", ws.access_keys).contains("s3cret"));
}

#[test]
fn an_smtp_login_is_whole_sealed_and_never_sent_in_clear_over_the_network() {
    let mut ws = WorkspaceSettings::default();
    let update = |server, security, user, password| WorkspaceUpdate {
        smtp_server: server,
        smtp_security: security,
        smtp_username: user,
        smtp_password: password,
        ..Default::default()
    };
    let try_apply = |u: WorkspaceUpdate<'_>| ws.clone().apply(&u, 0).map_err(|e| e.field);
    assert_eq!(
        try_apply(update(Some("mail.example:587"), None, Some("ada"), None)),
        Err("SmtpPassword".into())
    );
    assert_eq!(
        try_apply(update(Some("mail.example:587"), None, None, Some("pw"))),
        Err("SmtpUsername".into())
    );
    assert_eq!(
        try_apply(update(
            Some("mail.example:587"),
            None,
            Some("ada"),
            Some("pw")
        )),
        Err("SmtpSecurity".into()),
        "a password is not sent in clear across the network"
    );
    for server in ["127.0.0.1:1025", "localhost:25", "[::1]:2525"] {
        assert_eq!(
            try_apply(update(Some(server), None, Some("ada"), Some("pw"))),
            Ok(()),
            "{server} is this machine"
        );
    }
    ws.apply(
        &update(
            Some("mail.example:587"),
            Some(SmtpSecurity::StartTls),
            Some("ada"),
            Some("pw-in-clear"),
        ),
        0,
    )
    .unwrap();
    let smtp = ws.smtp().unwrap();
    assert_eq!(smtp.security, SmtpSecurity::StartTls);
    assert_eq!(
        smtp.login,
        Some(("ada".into(), Hidden("pw-in-clear".into())))
    );
    assert!(!format!("{ws:?}").contains("pw-in-clear"));
    let stored = ws.to_stored(&Reverse).unwrap();
    assert!(
        stored
            .iter()
            .all(|(_, v)| !v.as_deref().unwrap_or("").contains("pw-in-clear")),
        "sealed when stored"
    );
    let back = WorkspaceSettings::from_stored(
        |k| {
            stored
                .iter()
                .find(|(s, _)| *s == k)
                .and_then(|(_, v)| v.clone())
        },
        &Reverse,
    )
    .unwrap();
    assert_eq!(back, ws);
    // Removing the user name removes the login.
    ws.apply(&update(None, None, Some(""), None), 0).unwrap();
    assert_eq!(ws.smtp().unwrap().login, None);
    assert_eq!(ws.smtp_password, None);
    // Turning delivery off forgets the login: a later server never receives it.
    ws.apply(
        &update(None, None, Some("ada"), Some("pw-for-mail-example")),
        0,
    )
    .unwrap();
    ws.apply(&update(Some(""), None, None, None), 0).unwrap();
    assert_eq!(
        (ws.smtp_security, &ws.smtp_username, &ws.smtp_password),
        (SmtpSecurity::None, &None, &None)
    );
    ws.apply(&update(Some("other.example:587"), None, None, None), 0)
        .unwrap();
    assert_eq!(ws.smtp().unwrap().login, None);
    // And a login without a server is refused rather than kept for whichever comes next.
    let mut off = WorkspaceSettings::default();
    assert_eq!(
        off.apply(
            &update(None, Some(SmtpSecurity::Tls), Some("ada"), Some("pw")),
            0
        )
        .map_err(|e| e.field),
        Err("SmtpUsername".into())
    );
}

#[test]
fn bad_updates_name_their_member() {
    let mut ws = WorkspaceSettings::default();
    let err = ws
        .apply(
            &WorkspaceUpdate {
                signatures: Some(Signatures::Required),
                ..Default::default()
            },
            0,
        )
        .unwrap_err();
    assert_eq!(err.field, "RequireSignature");
    let err = ws
        .apply(
            &WorkspaceUpdate {
                issuer_base_url: Some("ftp://x"),
                ..Default::default()
            },
            0,
        )
        .unwrap_err();
    assert_eq!(err.field, "IssuerBaseUrl");
}
