//! Sealing and opening app client secrets, and checking a presented one. Below the client and
//! secret records' rules, which both seal values.

use storage::clients::{ClientRow, StoredSecret};
use subtle::ConstantTimeEq;
use tokens::{MasterKey, SecretBytes};

use crate::{Error, Result};

/// What a client secret's sealed value is bound to.
fn aad(client_id: &str, secret_id: &str) -> Vec<u8> {
    format!("client-secret:{client_id}:{secret_id}").into_bytes()
}

/// Seals `clear`, the value of secret `secret_id` of client `client_id`.
///
/// # Errors
/// [`Error::Crypto`] if the system's randomness or cipher fails.
pub fn seal(master: &MasterKey, client_id: &str, secret_id: &str, clear: &str) -> Result<Vec<u8>> {
    tokens::seal(master, clear.as_bytes(), &aad(client_id, secret_id))
        .map_err(|e| Error::Crypto(e.to_string()))
}

/// An opened client secret. `Debug` prints `[redacted]`; zeroed on drop.
#[derive(Debug)]
pub struct OpenedSecret(SecretBytes);

impl OpenedSecret {
    /// The secret itself. Never log it, never store it.
    #[must_use]
    pub fn expose(&self) -> &str {
        // Checked to be UTF-8 when opened.
        std::str::from_utf8(self.0.expose_secret()).unwrap_or_default()
    }
}

/// Opens one of client `client_id`'s stored secrets.
///
/// # Errors
/// [`Error::Crypto`] when the value does not open with this master key (the key file beside
/// the store is missing, or belongs to another store, or the row was copied from another
/// client), or when the store still keeps it in clear (it has not been opened by Poolhouse
/// since secrets were sealed).
pub fn open(master: &MasterKey, client_id: &str, s: &StoredSecret) -> Result<OpenedSecret> {
    let Some(sealed) = &s.sealed else {
        return Err(Error::Crypto(format!(
            "secret {} of app client {client_id} is still kept in clear; open the store with \
             Poolhouse to seal it",
            s.secret_id
        )));
    };
    let clear = tokens::open(master, sealed, &aad(client_id, &s.secret_id)).map_err(|_| {
        Error::Crypto(format!(
            "secret {} of app client {client_id} cannot be opened with this workspace's master \
             key (the key file beside the store is missing or belongs to another store)",
            s.secret_id
        ))
    })?;
    if std::str::from_utf8(clear.expose_secret()).is_err() {
        return Err(Error::Crypto(format!(
            "secret {} of app client {client_id} is not text",
            s.secret_id
        )));
    }
    Ok(OpenedSecret(clear))
}

/// Every current secret of `client`, opened, oldest first.
///
/// # Errors
/// As [`open`].
pub fn opened(master: &MasterKey, client: &ClientRow) -> Result<Vec<OpenedSecret>> {
    client
        .secrets
        .iter()
        .map(|s| open(master, &client.client_id, s))
        .collect()
}

/// The value `DescribeUserPoolClient` shows: the oldest current secret, if any.
///
/// # Errors
/// As [`open`].
pub fn shown(master: &MasterKey, client: &ClientRow) -> Result<Option<String>> {
    client
        .secrets
        .first()
        .map(|s| open(master, &client.client_id, s).map(|o| o.expose().to_string()))
        .transpose()
}

/// Whether `presented` is one of `client`'s current secrets (client authentication with a
/// secret: `RevokeToken`, the token endpoint). Compared in constant time against every
/// current secret, so neither the position of a difference nor which secret matched shows in
/// the time taken. A client without secrets matches nothing.
///
/// # Errors
/// As [`open`].
pub fn presented_secret_matches(
    master: &MasterKey,
    client: &ClientRow,
    presented: &str,
) -> Result<bool> {
    let mut matched = subtle::Choice::from(0);
    for s in opened(master, client)? {
        matched |= s.expose().as_bytes().ct_eq(presented.as_bytes());
    }
    Ok(bool::from(matched))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, master: &MasterKey, values: &[(&str, &str)]) -> ClientRow {
        ClientRow {
            pk: 1,
            pool: 1,
            client_id: id.into(),
            name: "app".into(),
            secrets: values
                .iter()
                .map(|(sid, v)| StoredSecret {
                    secret_id: (*sid).into(),
                    sealed: Some(seal(master, id, sid, v).unwrap()),
                })
                .collect(),
            settings: domain::client::ClientSettings::default(),
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_client_and_id_under_its_key() {
        let master = MasterKey::generate().unwrap();
        let c = client("client-a", &master, &[("s1", "value-one")]);
        let stored = &c.secrets[0];
        assert!(
            !stored
                .sealed
                .as_ref()
                .unwrap()
                .windows(9)
                .any(|w| w == b"value-one")
        );
        assert_eq!(
            open(&master, "client-a", stored).unwrap().expose(),
            "value-one"
        );
        assert!(matches!(
            open(&master, "client-b", stored),
            Err(Error::Crypto(_))
        ));
        let renamed = StoredSecret {
            secret_id: "s2".into(),
            ..stored.clone()
        };
        assert!(open(&master, "client-a", &renamed).is_err());
        let other = MasterKey::generate().unwrap();
        assert!(open(&other, "client-a", stored).is_err());
        let clear = StoredSecret {
            secret_id: "s1".into(),
            sealed: None,
        };
        let e = open(&master, "client-a", &clear).unwrap_err();
        assert!(e.to_string().contains("still kept in clear"), "{e}");
    }

    #[test]
    fn a_presented_secret_matches_any_current_one_exactly() {
        let master = MasterKey::generate().unwrap();
        let c = client(
            "client-a",
            &master,
            &[("s1", "first-secret"), ("s2", "second")],
        );
        for (given, want) in [
            ("first-secret", true),
            ("second", true),
            ("first-secreT", false),
            ("first-secret ", false),
            ("first", false),
            ("", false),
        ] {
            assert_eq!(
                presented_secret_matches(&master, &c, given).unwrap(),
                want,
                "{given:?}"
            );
        }
        let none = client("client-b", &master, &[]);
        assert!(!presented_secret_matches(&master, &none, "").unwrap());
        assert_eq!(shown(&master, &c).unwrap().as_deref(), Some("first-secret"));
        assert_eq!(shown(&master, &none).unwrap(), None);
    }
}
