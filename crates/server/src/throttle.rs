//! Sign-in throttling, per account and per address, so that passwords
//! cannot be guessed at speed from one place or spread over many.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed within [`WINDOW`] before a lock.
const ACCOUNT_FAILURES: u32 = 5;
const ADDRESS_FAILURES: u32 = 20;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a lock lasts.
const LOCK: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    failures: u32,
    since: Instant,
    locked_until: Option<Instant>,
}

fn keys(account: &str, address: IpAddr) -> [(String, u32); 2] {
    [
        (
            format!("account:{}", account.trim().to_lowercase()),
            ACCOUNT_FAILURES,
        ),
        (format!("address:{address}"), ADDRESS_FAILURES),
    ]
}

impl Throttle {
    /// Whether a sign-in may be tried now.
    pub fn allows(&self, account: &str, address: IpAddr) -> bool {
        self.allows_at(account, address, Instant::now())
    }

    pub fn record_failure(&self, account: &str, address: IpAddr) {
        self.record_failure_at(account, address, Instant::now());
    }

    /// A success clears the account's count (not the address's: one good
    /// password must not reset a spray from that address).
    pub fn record_success(&self, account: &str, address: IpAddr) {
        let [(account_key, _), _] = keys(account, address);
        self.entries
            .lock()
            .expect("throttle poisoned")
            .remove(&account_key);
    }

    fn allows_at(&self, account: &str, address: IpAddr, now: Instant) -> bool {
        let entries = self.entries.lock().expect("throttle poisoned");
        keys(account, address).iter().all(|(key, _)| {
            entries
                .get(key)
                .and_then(|e| e.locked_until)
                .is_none_or(|until| now >= until)
        })
    }

    fn record_failure_at(&self, account: &str, address: IpAddr, now: Instant) {
        let mut entries = self.entries.lock().expect("throttle poisoned");
        // Keep the table bounded when someone sprays many names.
        if entries.len() > 100_000 {
            entries.retain(|_, e| {
                now.duration_since(e.since) < WINDOW || e.locked_until.is_some_and(|u| u > now)
            });
        }
        for (key, limit) in keys(account, address) {
            let entry = entries.entry(key).or_insert(Entry {
                failures: 0,
                since: now,
                locked_until: None,
            });
            if now.duration_since(entry.since) > WINDOW {
                *entry = Entry {
                    failures: 0,
                    since: now,
                    locked_until: None,
                };
            }
            entry.failures += 1;
            if entry.failures >= limit {
                entry.locked_until = Some(now + LOCK);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_an_account_after_repeated_failures_and_unlocks_later() {
        let t = Throttle::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        let start = Instant::now();
        for _ in 0..ACCOUNT_FAILURES {
            assert!(t.allows_at("amina", ip, start));
            t.record_failure_at("amina", ip, start);
        }
        assert!(!t.allows_at("amina", ip, start));
        assert!(
            !t.allows_at("Amina", other, start),
            "per account, from any address"
        );
        assert!(t.allows_at("bilal", other, start));
        assert!(t.allows_at("amina", ip, start + LOCK));
    }

    #[test]
    fn locks_an_address_spraying_many_accounts() {
        let t = Throttle::default();
        let ip: IpAddr = "127.0.0.9".parse().unwrap();
        let now = Instant::now();
        for i in 0..ADDRESS_FAILURES {
            t.record_failure_at(&format!("user{i}"), ip, now);
        }
        assert!(!t.allows_at("someone-else", ip, now));
    }
}
