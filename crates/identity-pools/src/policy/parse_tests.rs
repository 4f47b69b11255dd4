use super::*;

fn perm(text: &str) -> Result<PolicyDocument, PolicyError> {
    PolicyDocument::parse(text, PolicyKind::Permissions)
}

fn err(text: &str) -> String {
    match perm(text) {
        Ok(_) => "accepted".to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn parses_a_statement_array_and_a_lone_statement() -> Result<(), PolicyError> {
    let doc = perm(
        r#"{"Version":"2012-10-17","Id":"p1","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","NotAction":"iam:*","NotResource":["*"],
             "Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"n":[1,"2.5"]}}}]}"#,
    )?;
    assert_eq!(doc.version, Version::V2012_10_17);
    assert_eq!(doc.id.as_deref(), Some("p1"));
    assert_eq!(doc.statements.len(), 2);
    assert_eq!(doc.statements[0].sid.as_deref(), Some("Read"));
    assert_eq!(
        doc.statements[0].action.written,
        ["s3:GetObject", "s3:List*"]
    );
    assert!(doc.statements[1].action.negated);
    assert!(
        doc.statements[1]
            .resource
            .as_ref()
            .is_some_and(|r| r.negated)
    );
    assert_eq!(doc.statements[1].conditions.len(), 2);
    let lone = perm(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)?;
    assert_eq!(lone.version, Version::V2008_10_17);
    assert_eq!(lone.statements.len(), 1);
    Ok(())
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let e = perm("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}");
    match e {
        Err(PolicyError::Syntax { line, .. }) => assert_eq!(line, 4),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn bad_effect_names_the_statement_member_and_line() {
    let text = "{\n \"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n  {\"Sid\": \"Two\",\n   \"Effect\": \"Permit\", \"Action\": \"*\", \"Resource\": \"*\"}\n ]\n}";
    let e = perm(text).err();
    assert_eq!(e.as_ref().and_then(PolicyError::line), Some(6));
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some("Statement[1].Effect (Sid \"Two\", line 6): must be Allow or Deny, got \"Permit\"")
    );
}

#[test]
fn refuses_what_iam_refuses() {
    let cases = [
        (
            r#"{"Version":"2012-10-18","Statement":[]}"#,
            "Version (line 1): must be \"2012-10-17\" or \"2008-10-17\"",
        ),
        (
            r#"{"Statement":[]}"#,
            "Statement (line 1): must not be empty",
        ),
        (
            r#"{"Version":"2012-10-17"}"#,
            "policy (line 1): missing Statement",
        ),
        (
            r#"{"Statment":[]}"#,
            "Statment (line 1): unknown member \"Statment\"",
        ),
        (
            r#"{"Statement":{"effect":"Allow"}}"#,
            "unknown member \"effect\" (did you mean \"Effect\"?)",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#,
            "Statement (line 1): missing Action (or NotAction)",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}"#,
            "Statement.Action (line 1): must not be empty",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*"}}"#,
            "missing Resource (or NotResource)",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}}"#,
            "has both Action and NotAction",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#,
            "action \"GetObject\" must be \"*\" or prefaced by a service",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get Object","Resource":"*"}}"#,
            "the action is letters",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"bucket/*"}}"#,
            "resource \"bucket/*\" must be an ARN",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}}"#,
            "Statement.Principal (line 1): Principal is not allowed in a permission policy",
        ),
        (
            r#"{"Statement":{"Sid":"a-b","Effect":"Allow","Action":"*","Resource":"*"}}"#,
            "Sid \"a-b\" may hold only letters and digits",
        ),
        (
            r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}"#,
            "Statement[1].Sid (line 1): Sid \"A\" is used by another statement",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"k":"v"}}}}"#,
            "Statement.Condition.StringEqual (line 1): unknown condition operator \"StringEqual\"",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringequals":{"k":"v"}}}}"#,
            "(did you mean \"StringEquals\"?)",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{}}}}"#,
            "Statement.Condition.StringEquals (line 1): must not be empty",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":[]}}}}"#,
            "Statement.Condition.StringEquals.k (line 1): must not be empty",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":{"x":1}}}}}"#,
            "must be a string, number or boolean, got an object",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"k":"ten"}}}}"#,
            "NumericLessThan value \"ten\" is not a number",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"k":"yesterday"}}}}"#,
            "is not a date",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"k":"yes"}}}}"#,
            "Bool value \"yes\" is not true or false",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"k":"10.0.0.0/33"}}}}"#,
            "is not an IP address or CIDR range",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}}"#,
            "unknown condition operator \"NullIfExists\"",
        ),
        (
            r#"["Statement"]"#,
            "policy (line 1): must be a JSON object, got an array",
        ),
        (
            r#"{"Statement":"Allow"}"#,
            "must be a statement object or an array of them, got a string",
        ),
    ];
    for (text, wanted) in cases {
        let got = err(text);
        assert!(
            got.contains(wanted),
            "{text}\n  got: {got}\n  wanted: {wanted}"
        );
    }
}

#[test]
fn statement_path_lines_point_at_the_member() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\",\n      \"Condition\": {\n        \"StringEquals\": {\"k\": \"v\"},\n        \"NumericEquals\": {\"n\": \"x\"}\n      }\n    }\n  ]\n}";
    let e = perm(text).err();
    assert_eq!(e.as_ref().and_then(PolicyError::line), Some(10));
    assert!(
        e.map(|e| e.to_string())
            .is_some_and(|m| m.starts_with("Statement[0].Condition.NumericEquals.n (line 10)")),
    );
}

#[test]
fn trust_policies_need_a_principal_and_take_no_resource() {
    let trust = |t| PolicyDocument::parse(t, PolicyKind::Trust).map_err(|e| e.to_string());
    assert!(trust(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"cognito-identity.amazonaws.com"}}}"#).is_ok());
    assert!(trust(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],"Service":"ec2.amazonaws.com"}}}"#).is_ok());
    assert!(
        trust(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#)
            .is_err_and(|e| e.contains("missing Principal (or NotPrincipal)"))
    );
    assert!(trust(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*","Resource":"*"}}"#)
        .is_err_and(|e| e.contains("Resource is not allowed in a trust policy")));
    assert!(trust(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"federated":"x"}}}"#)
        .is_err_and(|e| e.contains("Statement.Principal.federated (line 1): unknown member \"federated\" (did you mean \"Federated\"?)")));
    assert!(
        trust(
            r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"someone"}}"#
        )
        .is_err_and(|e| e.contains("\"someone\" is not a principal"))
    );
    assert!(
        trust(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{}}}"#)
            .is_err_and(|e| e.contains("Statement.Principal (line 1): must not be empty"))
    );
}

#[test]
fn empty_sids_are_no_sids_and_may_repeat() -> Result<(), PolicyError> {
    let doc = perm(
        r#"{"Statement":[{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
    )?;
    assert!(doc.statements.iter().all(|s| s.sid.is_none()));
    Ok(())
}

#[test]
fn errors_are_malformed_policy_documents() {
    let e = perm("{}").err();
    assert_eq!(e.map(|e| e.code()), Some("MalformedPolicyDocument"));
}
