//! Login throttling per account and per client address, and finding the client's address.

use std::net::IpAddr;
use std::num::NonZeroU32;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::{ApiError, ApiResult};

/// Keys kept before old buckets are swept, so a flood of random e-mails cannot grow memory
/// without bound.
const SWEEP_ABOVE: usize = 10_000;

pub struct LoginLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginLimiter {
    pub fn new(account_per_minute: u32, address_per_minute: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(at_least_one(n));
        Self {
            per_account: RateLimiter::keyed(quota(account_per_minute)),
            per_address: RateLimiter::keyed(quota(address_per_minute)),
        }
    }

    /// Counts one login attempt; answers 429 with the seconds to wait when over either limit.
    pub fn check(&self, account: &str, address: IpAddr) -> ApiResult<()> {
        if self.per_account.len() > SWEEP_ABOVE {
            self.per_account.retain_recent();
        }
        if self.per_address.len() > SWEEP_ABOVE {
            self.per_address.retain_recent();
        }
        let now = DefaultClock::default().now();
        let wait = match (
            self.per_address.check_key(&address),
            self.per_account.check_key(&account.to_owned()),
        ) {
            (Ok(()), Ok(())) => return Ok(()),
            (Err(e), _) | (_, Err(e)) => e.wait_time_from(now),
        };
        Err(ApiError::too_many_requests(wait.as_secs().max(1)))
    }
}

/// A limit per client address alone: anonymous intake (questions, feedback) and ticket
/// look-ups. Checked in memory before any database work, so a flood is turned away without
/// slowing anyone else.
pub struct AddressLimiter {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl AddressLimiter {
    pub fn per_hour(n: u32) -> Self {
        Self::with(Quota::per_hour(at_least_one(n)))
    }

    pub fn per_minute(n: u32) -> Self {
        Self::with(Quota::per_minute(at_least_one(n)))
    }

    fn with(quota: Quota) -> Self {
        Self {
            per_address: RateLimiter::keyed(quota),
        }
    }

    /// Counts one request; 429 with the seconds to wait when over the limit.
    pub fn check(&self, address: IpAddr) -> ApiResult<()> {
        if self.per_address.len() > SWEEP_ABOVE {
            self.per_address.retain_recent();
        }
        self.per_address.check_key(&address).map_err(|e| {
            let wait = e.wait_time_from(DefaultClock::default().now());
            ApiError::too_many_requests(wait.as_secs().max(1))
        })
    }
}

/// A limit per API key, each key with its own rate (set when the key was made).
#[derive(Default)]
pub struct KeyLimiter {
    per_key: std::sync::Mutex<std::collections::HashMap<String, (u32, DefaultDirectRateLimiter)>>,
}

impl KeyLimiter {
    /// Counts one request of `key` allowed `per_minute`; 429 with the seconds to wait when over.
    pub fn check(&self, key: &str, per_minute: u32) -> ApiResult<()> {
        let mut keys = self.per_key.lock().unwrap_or_else(|e| e.into_inner());
        let entry = keys
            .entry(key.to_owned())
            .or_insert_with(|| (per_minute, direct(per_minute)));
        if entry.0 != per_minute {
            *entry = (per_minute, direct(per_minute));
        }
        entry.1.check().map_err(|e| {
            let wait = e.wait_time_from(DefaultClock::default().now());
            ApiError::too_many_requests(wait.as_secs().max(1))
        })
    }
}

fn direct(per_minute: u32) -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::per_minute(at_least_one(per_minute)))
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("n >= 1")
}

/// The client's address: the socket peer, or, when the peer is a trusted proxy, the nearest
/// untrusted address in `X-Forwarded-For`.
pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    req.headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|ip| !trusted_proxies.contains(ip))
        .unwrap_or(peer)
}
