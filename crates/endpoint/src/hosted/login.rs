//! `GET/POST /login`: the sign-in page and its challenge pages. The password step and every
//! challenge answer go through the same engine as `InitiateAuth` and
//! `RespondToAuthChallenge` (lockout, risk, hooks, breached passwords). The page carries the
//! authorize request's parameters and checks them again on every post; a form without the
//! right CSRF token is refused before anything else runs. A sign-in ends in a session cookie
//! and the authorize request's redirect (a code, or implicit tokens).

use std::net::SocketAddr;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_api::Console;
use console_api::hosted::{Answer, AuthorizeRequest, Refusal};

use super::authorize::request_of;
use super::challenge::{Pending, challenge_page};
use super::mfa_setup;
use super::page::{self, Field};
use super::pages::{self, SignInExtras};
use super::providers::{self, Offered};
use super::refused;
use super::{CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, Site, blocking, peer_ip, redirect, value};

/// What a page shows, besides the request it carries.
enum View {
    SignIn {
        username: String,
        username_error: Option<String>,
        password_error: Option<String>,
        alert: Option<String>,
    },
    Challenge {
        pending: Pending,
        error: Option<String>,
    },
}

/// The page for `view`.
fn render(
    site: &Site,
    req: &AuthorizeRequest,
    csrf: &str,
    branding: &page::Branding,
    extras: &SignInExtras,
    view: &View,
    offered: &Offered,
) -> String {
    let mut hidden: String = req
        .pairs()
        .into_iter()
        .map(|(k, v)| page::hidden(k, v))
        .collect();
    hidden.push_str(&page::hidden(CSRF_FIELD, csrf));
    let action = site.path("/login");
    match view {
        View::SignIn {
            username,
            username_error,
            password_error,
            alert,
        } => {
            let inputs = format!(
                "{}{}",
                Field {
                    name: "username",
                    label: "Username",
                    kind: "text",
                    autocomplete: "username",
                    value: username,
                    error: username_error.as_deref(),
                    extra: "autocapitalize=\"none\" spellcheck=\"false\"",
                }
                .html(),
                Field {
                    name: "password",
                    label: "Password",
                    kind: "password",
                    autocomplete: "current-password",
                    value: "",
                    error: password_error.as_deref(),
                    extra: "",
                }
                .html(),
            );
            let password = if offered.password {
                format!(
                    "{}{}",
                    page::text("Sign in with your username and password."),
                    page::form(&action, &hidden, &inputs, "Sign in"),
                )
            } else {
                String::new()
            };
            let content = format!(
                "{}{}{}{password}{}",
                extras.top(),
                alert.as_deref().map(page::alert).unwrap_or_default(),
                providers::html(site, req, offered),
                if offered.password {
                    extras.bottom(site, req)
                } else {
                    String::new()
                },
            );
            page::page("Sign in", branding, &content)
        }
        View::Challenge { pending, error } => {
            challenge_page(&action, &hidden, branding, pending, error.as_deref())
        }
    }
}

pub(crate) async fn show(
    State(console): State<Console>,
    site: Site,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(req) = request_of(query.as_deref()) else {
        return page::error_page(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "A parameter of the request is repeated.",
        );
    };
    let (cookie, new_cookie) = super::csrf_cookie(&headers);
    let pool_id = site.pool_id.clone();
    let checked = {
        let (console, req) = (console.clone(), req.clone());
        blocking(move || console.oauth_check(&pool_id, &req)).await
    };
    let a = match checked {
        Ok(Ok(a)) => a,
        Ok(Err(refusal)) => return refused(&refusal),
        Err(e) => {
            return page::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                &e.message,
            );
        }
    };
    // A request naming a provider goes to it through the authorize endpoint.
    if a.provider.is_some() {
        let q = query.unwrap_or_default();
        return redirect(&format!("{}?{q}", site.path("/oauth2/authorize")), &[]);
    }
    let mut offered = {
        let (console, a2) = (console.clone(), a.clone());
        match blocking(move || console.hosted_providers(&a2)).await {
            Ok(providers) => Offered {
                providers,
                password: a.cognito,
                ..Offered::default()
            },
            Err(e) => {
                return page::error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    &e.message,
                );
            }
        }
    };
    let typed = super::form(query.as_deref().unwrap_or_default().as_bytes())
        .and_then(|pairs| super::value(&pairs, providers::CORPORATE_EMAIL).map(str::to_owned));
    if let Some(typed) = typed {
        match providers::by_identifier(&offered, &typed) {
            Some((_, identifier)) => {
                let to = providers::authorize_with(&site, &req, ("idp_identifier", identifier));
                return redirect(&to, &[]);
            }
            None => {
                offered.corporate_error =
                    Some("No sign-in provider is set up for this email's domain.".into());
                offered.corporate = typed;
            }
        }
    } else if let Some(to) = providers::straight_to(&site, &req, &offered) {
        return redirect(&to, &[]);
    }
    let csrf = console.hosted_csrf_token(&site.pool_id, &cookie);
    let (branding, extras) = {
        let (console, pool_id) = (console.clone(), site.pool_id.clone());
        let client_id = a.sc.client.client_id.clone();
        blocking(move || {
            Ok((
                page::Branding::read(&console, &pool_id, Some(&client_id)),
                SignInExtras::read(&console, &pool_id, query.as_deref()),
            ))
        })
        .await
        .unwrap_or_default()
    };
    let view = View::SignIn {
        username: String::new(),
        username_error: None,
        password_error: None,
        alert: None,
    };
    let set = if new_cookie {
        vec![site.cookie(CSRF_COOKIE, &cookie, 3600)]
    } else {
        vec![]
    };
    page::html(
        StatusCode::OK,
        render(&site, &req, &csrf, &branding, &extras, &view, &offered),
        &set,
    )
}

/// What the sign-in page says of a form it did not send.
const EXPIRED: pages::Expired = pages::Expired {
    title: "Sign-in form expired",
    message: "The form was not sent by this sign-in page, or it expired (CSRF token missing or \
              wrong). Go back to the app and sign in again.",
};

/// What a post ends in.
enum Outcome {
    Redirect {
        location: String,
        session: String,
    },
    /// `MFA_SETUP`: the set-up page (mfa_setup.rs), or what says there is nothing to set up
    /// here.
    SetUp(Option<mfa_setup::Shown>),
    Page(View),
    Refused(Refusal),
}

pub(crate) async fn submit(
    State(console): State<Console>,
    site: Site,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (pairs, cookie) = match pages::csrf_form(&console, &site, &headers, &body, &EXPIRED) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let req = AuthorizeRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let ip = peer_ip(peer);
    let pool_id = site.pool_id.clone();
    let (c2, req2) = (console.clone(), req.clone());
    let outcome = blocking(move || {
        let console = c2;
        let a = match console.oauth_check(&pool_id, &req2)? {
            Ok(a) => a,
            Err(r) => return Ok((Outcome::Refused(r), None)),
        };
        let client_id = a.sc.client.client_id.clone();
        let g = |n: &str| value(&pairs, n).unwrap_or_default();
        let answer = if let Some(challenge) = value(&pairs, "challenge") {
            let pending = Pending {
                name: challenge.to_string(),
                session: g("session").to_string(),
                username: g("username").to_string(),
                parameters: serde_json::from_str(g("challenge_parameters")).unwrap_or_default(),
            };
            let mut responses: Vec<(&str, &str)> = vec![("USERNAME", g("username"))];
            match challenge {
                "SOFTWARE_TOKEN_MFA" => responses.push(("SOFTWARE_TOKEN_MFA_CODE", g("code"))),
                "EMAIL_OTP" => responses.push(("EMAIL_OTP_CODE", g("code"))),
                "SMS_MFA" => responses.push(("SMS_MFA_CODE", g("code"))),
                "SELECT_MFA_TYPE" => responses.push(("ANSWER", g("answer"))),
                "NEW_PASSWORD_REQUIRED" => {
                    responses.push(("NEW_PASSWORD", g("new_password")));
                    for (k, v) in &pairs {
                        if k.starts_with("userAttributes.") {
                            responses.push((k.as_str(), v.as_str()));
                        }
                    }
                }
                _ => {
                    return Ok((
                        Outcome::Page(View::Challenge {
                            pending,
                            error: Some("This step cannot be answered here.".into()),
                        }),
                        Some(client_id),
                    ));
                }
            }
            match console.hosted_respond(
                &ip,
                &pool_id,
                &client_id,
                challenge,
                g("session"),
                &responses,
            ) {
                Ok(answer) => (answer, g("username").to_string()),
                Err(e) => {
                    return Ok((
                        Outcome::Page(View::Challenge {
                            pending,
                            error: Some(e.message),
                        }),
                        Some(client_id),
                    ));
                }
            }
        } else if !a.cognito {
            let view = View::SignIn {
                username: String::new(),
                username_error: None,
                password_error: None,
                alert: Some(
                    "This app does not sign in with a username and password; choose a \
                     provider."
                        .into(),
                ),
            };
            return Ok((Outcome::Page(view), Some(client_id)));
        } else {
            let (username, password) = (g("username").trim(), g("password"));
            if username.is_empty() || password.is_empty() {
                let view = View::SignIn {
                    username: username.to_string(),
                    username_error: username
                        .is_empty()
                        .then(|| "Enter your username.".to_string()),
                    password_error: password
                        .is_empty()
                        .then(|| "Enter your password.".to_string()),
                    alert: None,
                };
                return Ok((Outcome::Page(view), Some(client_id)));
            }
            match console.hosted_sign_in(&ip, &pool_id, &client_id, username, password) {
                Ok(answer) => (answer, username.to_string()),
                Err(e) => {
                    let view = View::SignIn {
                        username: username.to_string(),
                        username_error: None,
                        password_error: None,
                        alert: Some(e.message),
                    };
                    return Ok((Outcome::Page(view), Some(client_id)));
                }
            }
        };
        let outcome = match answer {
            (Answer::Challenge(c), typed) if c.name == "MFA_SETUP" => {
                let p = Pending::of(&c, &typed);
                Outcome::SetUp(mfa_setup::start(
                    &console,
                    &ip,
                    &pool_id,
                    &client_id,
                    &p.session,
                    &p.username,
                    p.parameters
                        .get("MFAS_CAN_SETUP")
                        .map_or("", String::as_str),
                )?)
            }
            (Answer::Challenge(c), typed) => Outcome::Page(View::Challenge {
                pending: Pending::of(&c, &typed),
                error: None,
            }),
            (
                Answer::Tokens {
                    refresh_token: Some(r),
                    ..
                },
                _,
            ) => {
                let Some(session_cookie) = console.hosted_session_cookie(&pool_id, &r)? else {
                    return Err(console_api::ApiError::new(
                        console_api::ErrorCode::InternalErrorException,
                        "the sign-in was not stored",
                    ));
                };
                let Some(session) = console.hosted_session(&pool_id, &session_cookie)? else {
                    return Err(console_api::ApiError::new(
                        console_api::ErrorCode::InternalErrorException,
                        "the sign-in was not stored",
                    ));
                };
                let location = console.oauth_authorize_signed_in(&a, &session)?;
                Outcome::Redirect {
                    location,
                    session: session_cookie,
                }
            }
            (
                Answer::Tokens {
                    refresh_token: None,
                    ..
                },
                _,
            ) => {
                return Err(console_api::ApiError::new(
                    console_api::ErrorCode::InternalErrorException,
                    "a sign-in without a session",
                ));
            }
        };
        Ok((outcome, Some(client_id)))
    })
    .await;
    match outcome {
        Ok((Outcome::Redirect { location, session }, _)) => redirect(
            &location,
            &[site.cookie(SESSION_COOKIE, &session, super::SESSION_MAX_AGE_SECS)],
        ),
        Ok((Outcome::Refused(r), _)) => refused(&r),
        Ok((outcome @ (Outcome::Page(_) | Outcome::SetUp(_)), client_id)) => {
            let csrf = console.hosted_csrf_token(&site.pool_id, &cookie);
            let (branding, extras, offered) = {
                let (console, pool_id, req) = (console.clone(), site.pool_id.clone(), req.clone());
                blocking(move || {
                    let offered = match console.oauth_check(&pool_id, &req)? {
                        Ok(a) => Offered {
                            providers: console.hosted_providers(&a)?,
                            password: a.cognito,
                            ..Offered::default()
                        },
                        Err(_) => Offered::default(),
                    };
                    Ok((
                        page::Branding::read(&console, &pool_id, client_id.as_deref()),
                        SignInExtras::read(&console, &pool_id, None),
                        offered,
                    ))
                })
                .await
                .unwrap_or_default()
            };
            let html = match outcome {
                Outcome::SetUp(Some(shown)) => {
                    let mut hidden: String = req
                        .pairs()
                        .into_iter()
                        .map(|(k, v)| page::hidden(k, v))
                        .collect();
                    hidden.push_str(&page::hidden(CSRF_FIELD, &csrf));
                    mfa_setup::render(&site, &hidden, &branding, &shown, None, None)
                }
                Outcome::SetUp(None) => mfa_setup::nothing_to_set_up(&branding),
                Outcome::Page(view) => {
                    render(&site, &req, &csrf, &branding, &extras, &view, &offered)
                }
                _ => String::new(),
            };
            page::html(StatusCode::OK, html, &[])
        }
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}
