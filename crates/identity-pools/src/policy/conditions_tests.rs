use super::*;

fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
    let operator = Operator::parse(op).unwrap_or_else(|near| panic!("{op}: {near:?}"));
    let values = values
        .iter()
        .map(|v| parse_value(operator.base, v, true).unwrap_or_else(|w| panic!("{v}: {w}")))
        .collect();
    Condition {
        operator,
        key: key.to_string(),
        key_lookup: key.to_lowercase(),
        values,
    }
}

fn holds(op: &str, values: &[&str], got: Option<&[&str]>) -> bool {
    let mut ctx = Context::new().with("aws:username", "alice");
    if let Some(got) = got {
        ctx = ctx.with_values("k", got.iter().copied());
    }
    cond(op, "k", values).check(&ctx).is_ok()
}

#[test]
fn string_operators() {
    assert!(holds("StringEquals", &["a", "b"], Some(&["b"])));
    assert!(!holds("StringEquals", &["a"], Some(&["A"])));
    assert!(holds("StringNotEquals", &["a", "b"], Some(&["c"])));
    // Negated with several values: none may match (a logical AND).
    assert!(!holds("StringNotEquals", &["a", "b"], Some(&["b"])));
    assert!(holds("StringEqualsIgnoreCase", &["ABC"], Some(&["abc"])));
    assert!(!holds(
        "StringNotEqualsIgnoreCase",
        &["ABC"],
        Some(&["abc"])
    ));
    assert!(holds("StringLike", &["home/*"], Some(&["home/x/y"])));
    assert!(!holds("StringLike", &["home/?"], Some(&["home/xy"])));
    assert!(holds("StringNotLike", &["home/*"], Some(&["tmp/x"])));
    // A `*` under StringEquals is a plain character.
    assert!(!holds("StringEquals", &["*"], Some(&["x"])));
    assert!(holds("StringEquals", &["*"], Some(&["*"])));
}

#[test]
fn missing_keys_fail_positive_and_pass_negated_operators() {
    assert!(!holds("StringEquals", &["a"], None));
    assert!(holds("StringNotEquals", &["a"], None));
    assert!(holds("StringEqualsIfExists", &["a"], None));
    assert!(!holds("StringEqualsIfExists", &["a"], Some(&["b"])));
    assert!(holds("NumericLessThanIfExists", &["3"], None));
    assert!(!holds("ArnLike", &["arn:aws:s3:::b"], None));
    assert!(holds("ArnNotLike", &["arn:aws:s3:::b"], None));
}

#[test]
fn null_checks_presence() {
    assert!(holds("Null", &["true"], None));
    assert!(!holds("Null", &["true"], Some(&["x"])));
    assert!(holds("Null", &["false"], Some(&["x"])));
    assert!(!holds("Null", &["false"], None));
}

#[test]
fn numeric_operators() {
    assert!(holds("NumericEquals", &["10"], Some(&["10.0"])));
    assert!(holds("NumericNotEquals", &["10"], Some(&["11"])));
    assert!(holds("NumericLessThan", &["10"], Some(&["9"])));
    assert!(!holds("NumericLessThan", &["10"], Some(&["10"])));
    assert!(holds("NumericLessThanEquals", &["10"], Some(&["10"])));
    assert!(holds("NumericGreaterThan", &["10"], Some(&["10.5"])));
    assert!(holds("NumericGreaterThanEquals", &["10"], Some(&["10"])));
    assert!(!holds("NumericGreaterThan", &["10"], Some(&["ten"])));
}

#[test]
fn date_operators() {
    let t = "2026-01-01T00:00:00Z";
    assert!(holds("DateLessThan", &[t], Some(&["2025-12-31T23:59:59Z"])));
    assert!(!holds(
        "DateLessThan",
        &[t],
        Some(&["2026-01-01T00:00:00Z"])
    ));
    assert!(holds(
        "DateLessThanEquals",
        &[t],
        Some(&["2026-01-01T00:00:00Z"])
    ));
    assert!(holds(
        "DateGreaterThan",
        &[t],
        Some(&["2026-01-01T00:00:01+00:00"])
    ));
    assert!(holds("DateGreaterThanEquals", &["2026-01-01"], Some(&[t])));
    assert!(holds("DateEquals", &["1767225600"], Some(&[t])));
    assert!(holds(
        "DateNotEquals",
        &[t],
        Some(&["2026-01-02T00:00:00Z"])
    ));
    assert!(holds(
        "DateEquals",
        &[t],
        Some(&["2026-01-01T01:00:00+01:00"])
    ));
}

#[test]
fn bool_binary_and_ip_operators() {
    assert!(holds("Bool", &["true"], Some(&["TRUE"])));
    assert!(!holds("Bool", &["true"], Some(&["false"])));
    assert!(holds("BinaryEquals", &["QmluYXJ5"], Some(&["QmluYXJ5"])));
    assert!(holds(
        "IpAddress",
        &["203.0.113.0/24"],
        Some(&["203.0.113.9"])
    ));
    assert!(!holds(
        "IpAddress",
        &["203.0.113.0/24"],
        Some(&["203.0.114.9"])
    ));
    assert!(holds(
        "IpAddress",
        &["2001:db8::/32"],
        Some(&["2001:db8:1::1"])
    ));
    assert!(holds("IpAddress", &["0.0.0.0/0"], Some(&["8.8.8.8"])));
    assert!(holds("IpAddress", &["192.0.2.1"], Some(&["192.0.2.1"])));
    assert!(holds(
        "NotIpAddress",
        &["203.0.113.0/24"],
        Some(&["198.51.100.1"])
    ));
    assert!(!holds(
        "IpAddress",
        &["203.0.113.0/24"],
        Some(&["2001:db8::1"])
    ));
}

#[test]
fn arn_operators() {
    let role = "arn:aws:iam::111122223333:role/Cognito_Auth";
    assert!(holds("ArnEquals", &[role], Some(&[role])));
    assert!(holds(
        "ArnLike",
        &["arn:aws:iam::*:role/Cognito_*"],
        Some(&[role])
    ));
    assert!(!holds(
        "ArnLike",
        &["arn:aws:iam::*:role/Other"],
        Some(&[role])
    ));
    assert!(holds(
        "ArnNotEquals",
        &["arn:aws:iam::*:role/Other"],
        Some(&[role])
    ));
    assert!(!holds(
        "ArnNotLike",
        &["arn:aws:iam::*:role/*"],
        Some(&[role])
    ));
}

#[test]
fn set_operators() {
    let amr = [
        "authenticated",
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_x",
    ];
    assert!(holds(
        "ForAnyValue:StringLike",
        &["authenticated"],
        Some(&amr)
    ));
    assert!(!holds(
        "ForAnyValue:StringLike",
        &["unauthenticated"],
        Some(&amr)
    ));
    assert!(!holds(
        "ForAllValues:StringLike",
        &["authenticated"],
        Some(&amr)
    ));
    assert!(holds(
        "ForAllValues:StringLike",
        &["authenticated", "cognito-idp.*"],
        Some(&amr)
    ));
    // ForAllValues holds for an absent key; ForAnyValue does not.
    assert!(holds("ForAllValues:StringEquals", &["a"], None));
    assert!(!holds("ForAnyValue:StringEquals", &["a"], None));
    // ForAnyValue:StringNotEquals — some value is none of the listed ones.
    assert!(holds(
        "ForAnyValue:StringNotEquals",
        &["a"],
        Some(&["a", "b"])
    ));
    assert!(!holds(
        "ForAnyValue:StringNotEquals",
        &["a", "b"],
        Some(&["a", "b"])
    ));
    // ForAllValues:StringNotEquals — no value is any of the listed ones.
    assert!(!holds(
        "ForAllValues:StringNotEquals",
        &["a"],
        Some(&["a", "b"])
    ));
    assert!(holds(
        "ForAllValues:StringNotEquals",
        &["c"],
        Some(&["a", "b"])
    ));
    assert!(holds("ForAnyValue:StringEqualsIfExists", &["a"], None));
}

#[test]
fn variables_in_values_and_the_failure_report() {
    assert!(holds(
        "StringEquals",
        &["${aws:username}"],
        Some(&["alice"])
    ));
    assert!(holds(
        "StringLike",
        &["home/${aws:username}/*"],
        Some(&["home/alice/x"])
    ));
    let ctx = Context::new().with("k", "v");
    let failure = cond("StringEquals", "k", &["${aws:username}"])
        .check(&ctx)
        .err();
    assert_eq!(
        failure.as_ref().and_then(|f| f.missing_variable.as_deref()),
        Some("aws:username")
    );
    let failure = cond("StringEquals", "k", &["a", "b"]).check(&ctx).err();
    assert_eq!(
        failure.map(|f| (f.operator, f.key, f.got, f.wanted)),
        Some((
            "StringEquals".to_string(),
            "k".to_string(),
            Some(vec!["v".to_string()]),
            vec!["a".to_string(), "b".to_string()]
        ))
    );
}

#[test]
fn operator_names_decompose() {
    let op = Operator::parse("ForAllValues:StringNotLikeIfExists");
    assert_eq!(
        op.map(|o| (o.base, o.negated, o.if_exists, o.set)),
        Ok((
            Base::StringLike,
            true,
            true,
            Some(SetQualifier::ForAllValues)
        ))
    );
    assert_eq!(
        Operator::parse("forallvalues:stringequals").err(),
        Some(Some("ForAllValues:StringEquals".to_string()))
    );
    assert_eq!(Operator::parse("Nope").err(), Some(None));
}
