//! The pool as a SAML service provider, described: its SP metadata (`/saml2/metadata`), which
//! names what sign-in (`saml.rs`) and sign-out (`saml_logout.rs`) need of an IdP.

use federation::saml::{self, request};

use super::saml::{MAX_PROVIDERS, SAML, encrypts, signs_requests};
use super::saml_logout;
use crate::{ApiError, Console};

impl Console {
    /// The pool's SP metadata (entity id, the ACS URLs it is reached at, the signing
    /// certificate when one of its SAML providers asks for signed requests or signs out, with
    /// the `SingleLogoutService` beside the ACS when one signs out, and the encryption
    /// certificates of those whose responses are encrypted), or `None` when there is no such
    /// pool.
    pub fn saml_sp_metadata(
        &self,
        pool_id: &str,
        acs_urls: &[String],
    ) -> Result<Option<String>, ApiError> {
        let found = self.read(|r| {
            let Some(pool) = storage::pools::get(r, pool_id)? else {
                return Ok(None);
            };
            let providers = storage::idps::list(r, pool.pk, "", MAX_PROVIDERS)?;
            let signs_out = providers.iter().any(saml_logout::signs_out);
            let signs_authn = providers.iter().any(signs_requests);
            let mut encryption = Vec::new();
            for p in providers
                .iter()
                .filter(|p| p.provider_type == SAML && encrypts(p))
            {
                for k in storage::saml_encryption_keys::of_idp(r, p.pk)? {
                    if !encryption.contains(&k.certificate) {
                        encryption.push(k.certificate);
                    }
                }
            }
            Ok(Some((pool, signs_authn, signs_out, encryption)))
        })?;
        let Some((pool, signs_authn, signs_out, encryption)) = found else {
            return Ok(None);
        };
        let cert = if signs_authn || signs_out {
            Some(self.saml_signer(&pool)?.1)
        } else {
            None
        };
        let mut xml = request::sp_metadata(
            &request::sp_entity_id(pool_id),
            acs_urls,
            cert.as_deref(),
            &encryption,
        );
        if cert.is_some() && !signs_authn {
            // The certificate is there for the signed LogoutRequests only: AuthnRequests are
            // not signed, and an IdP that believed they were would refuse them.
            xml = xml.replacen(
                r#"AuthnRequestsSigned="true""#,
                r#"AuthnRequestsSigned="false""#,
                1,
            );
        }
        let slo = acs_urls
            .first()
            .and_then(|acs| saml_logout::slo_url_of(acs));
        Ok(Some(match slo {
            Some(slo) if signs_out => saml::logout::with_single_logout(&xml, &slo),
            _ => xml,
        }))
    }
}
