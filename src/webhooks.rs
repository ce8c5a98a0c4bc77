//! Sending webhooks: the worker that takes each subscription's next message from the outbox
//! (`services::webhooks`), signs it in the Standard Webhooks form and posts it, and the guard
//! that keeps targets off private networks.
//!
//! A target's host is resolved before each attempt and every address it resolves to must be
//! public (or in `TTDT_WEBHOOK_ALLOW_NETWORKS`); the request then goes to that very address, so
//! a name that resolves differently a moment later cannot lead it elsewhere. Redirects are not
//! followed: a 3xx is a failed attempt.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use actix_web::web;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use sha2::Sha256;

use crate::db::models::{Webhook, WebhookDelivery};
use crate::error::{ApiError, Text};
use crate::services::webhooks::{self as outbox, Attempt, RetryPolicy};
use crate::state::AppState;

/// How often the worker looks for messages due.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// The `webhook-signature` value for a message: `v1,` and the base64 HMAC-SHA256, keyed by the
/// secret's bytes, of `{id}.{timestamp}.{body}`.
pub fn signature(secret: &str, message_id: &str, timestamp: i64, body: &str) -> String {
    let key = secret
        .strip_prefix("whsec_")
        .and_then(|k| STANDARD.decode(k).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(format!("{message_id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Addresses a webhook may never reach unless allowed: this host, private networks, link-local
/// (cloud metadata), shared (CGNAT), multicast, reserved and unspecified.
fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// The URL's scheme must be http or https; it must not carry credentials.
fn parse_target(url: &str) -> Result<reqwest::Url, ApiError> {
    let bad = |vi: &str, en: &str| {
        ApiError::field(
            "url",
            "invalid_url",
            Text::new(vi.to_owned(), en.to_owned()),
        )
    };
    let parsed =
        reqwest::Url::parse(url).map_err(|_| bad("Không phải một địa chỉ URL.", "Not a URL."))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad(
            "Địa chỉ phải bắt đầu bằng http:// hoặc https://.",
            "The URL must start with http:// or https://.",
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "Không ghi tên đăng nhập hay mật khẩu trong địa chỉ: dùng chữ ký của webhook.",
            "No user name or password in the URL: the webhook's signature authenticates it.",
        ));
    }
    Ok(parsed)
}

/// Resolves a target and checks every address: 422 `invalid_url` or `private_address`.
pub async fn resolve_target(
    url: &str,
    allowed: &[IpNet],
) -> Result<(reqwest::Url, SocketAddr), ApiError> {
    let parsed = parse_target(url)?;
    let host = parsed.host_str().expect("checked").trim_matches(['[', ']']);
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map(|a| a.collect())
        .unwrap_or_default();
    let Some(first) = addresses.first().copied() else {
        return Err(ApiError::field(
            "url",
            "unresolvable_host",
            Text::new(
                format!("Không tìm thấy máy chủ {host}."),
                format!("The host {host} does not resolve."),
            ),
        ));
    };
    if let Some(internal) = addresses
        .iter()
        .map(|a| a.ip())
        .find(|ip| is_internal(*ip) && !allowed.iter().any(|n| n.contains(ip)))
    {
        return Err(ApiError::field(
            "url",
            "private_address",
            Text::new(
                format!(
                    "{host} trỏ tới địa chỉ nội bộ {internal}: webhook chỉ gửi ra Internet (TTDT_WEBHOOK_ALLOW_NETWORKS)."
                ),
                format!(
                    "{host} resolves to the internal address {internal}: webhooks go to the Internet only (TTDT_WEBHOOK_ALLOW_NETWORKS)."
                ),
            ),
        ));
    }
    Ok((parsed, first))
}

/// Starts the worker: every second (and at once after a message went out) it sends the next
/// message of each subscription whose turn it is, the subscriptions side by side.
pub fn spawn_worker(state: web::Data<AppState>) {
    tokio::spawn(async move {
        loop {
            let now = state.settings.clock.now();
            let heads = match state.db(move |c| outbox::claim_heads(c, now)).await {
                Ok(heads) => heads,
                Err(e) => {
                    if e.status().as_u16() != 503 {
                        log::warn!("webhook outbox unreadable: {e}");
                    }
                    Vec::new()
                }
            };
            if heads.is_empty() {
                tokio::time::sleep(POLL).await;
                continue;
            }
            let sends = heads
                .into_iter()
                .map(|(hook, delivery)| deliver(&state, hook, delivery));
            futures_util::future::join_all(sends).await;
        }
    });
}

async fn deliver(state: &AppState, hook: Webhook, delivery: WebhookDelivery) {
    let attempt = send(state, &hook, &delivery).await;
    let policy = RetryPolicy {
        base: state.settings.webhooks.retry_base,
        max_failures: state.settings.webhooks.max_failures,
    };
    let at = state.settings.clock.now();
    let id = delivery.id.clone();
    if let Err(e) = state
        .db(move |c| outbox::record_attempt(c, &hook, &delivery, &attempt, &policy, at))
        .await
    {
        // The lease runs out and the message is tried again.
        log::warn!("webhook delivery {id}: attempt not recorded: {e}");
    }
}

async fn send(state: &AppState, hook: &Webhook, delivery: &WebhookDelivery) -> Attempt {
    let started = Instant::now();
    let elapsed = |started: Instant| started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let failed = |error: String| Attempt {
        status: None,
        error: Some(error),
        duration_ms: elapsed(started),
    };
    let settings = &state.settings.webhooks;
    let (url, address) = match resolve_target(&hook.url, &settings.allow_networks).await {
        Ok(target) => target,
        Err(e) => {
            return failed(e.to_string());
        }
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .resolve(&host, address)
        .user_agent(concat!("ttdt-webhooks/", env!("CARGO_PKG_VERSION")))
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            return failed(e.to_string());
        }
    };
    let timestamp = state.settings.clock.now().timestamp();
    let answer = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            signature(
                &hook.secret,
                &delivery.message_id,
                timestamp,
                &delivery.payload,
            ),
        )
        .body(delivery.payload.clone())
        .send()
        .await;
    match answer {
        Ok(r) => Attempt {
            status: Some(r.status().as_u16()),
            error: (!r.status().is_success()).then(|| {
                let s = r.status();
                match r.headers().get("location").and_then(|l| l.to_str().ok()) {
                    Some(to) if s.is_redirection() => format!("redirect to {to} not followed"),
                    _ => format!("HTTP {s}"),
                }
            }),
            duration_ms: elapsed(started),
        },
        Err(e) => failed(if e.is_timeout() {
            "timed out".to_owned()
        } else if e.is_connect() {
            "connection refused or unreachable".to_owned()
        } else {
            e.to_string()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn internal_addresses_are_known() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["203.113.131.1", "1.1.1.1", "2001:ee0:4f00::1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_plain_http_urls_are_targets() {
        assert!(parse_target("https://so.giaoduc.vn/hook").is_ok());
        for bad in [
            "ftp://x.vn/",
            "file:///etc/passwd",
            "https://u:p@x.vn/",
            "x.vn/hook",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }
}
