//! The actions of Cognito's managed policy for guests, shared by the guest scope-down and the
//! session policies that name the managed policy.

/// The actions of the AWS managed policy `AmazonCognitoUnAuthedIdentitiesSessionPolicy` (v3),
/// as the members of a JSON array: the guest scope-down (`vend`) and the managed policy a session
/// policy may name (`session`) both list them.
macro_rules! cognito_unauthed_actions {
    () => {
        r#"        "rum:PutRumEvents", "sagemaker:InvokeEndpoint", "polly:*", "comprehend:*",
        "translate:*", "transcribe:*", "rekognition:*", "mobiletargeting:*", "firehose:*",
        "personalize:*", "geo:GetMap*", "geo:SearchPlaceIndex*", "geo:GetPlace",
        "geo:CalculateRoute*", "geo:*Geofence", "geo:*Geofences", "geo:*DevicePosition*",
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom",
        "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
        "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext"
"#
    };
}
pub(crate) use cognito_unauthed_actions;
