//! Made-up usage data for the stand-in platform API: the same accounts,
//! projects and records for the same seed, whatever day or page is asked
//! for first. Every value of a record is derived from a hash of the seed,
//! the day, the project and the user, so a day can be generated alone.
//!
//! The standard set ([`Synthetic::standard`]) has 50 customer accounts and
//! 200 projects, and about 2,700 records a day: about a million a year.

use jiff::civil::{Date, Weekday};

use super::records::{Account, Project, StorageBytes, UsageRecord};

/// The seed of the standard data set.
pub const STANDARD_SEED: u64 = 0x05A6_E2E5_7A7E_2026;

/// The words customer names are made of: every first word with every
/// second one gives 50 names.
const FIRST: [&str; 10] = [
    "Northwind",
    "Bluefin",
    "Copperleaf",
    "Driftwood",
    "Emberline",
    "Foxglove",
    "Granite",
    "Harbor",
    "Ironbark",
    "Juniper",
];
const SECOND: [&str; 5] = ["Media", "Studios", "Broadcasting", "Pictures", "Network"];

/// The words project names are made of.
const SHOWS: [&str; 20] = [
    "Evening News",
    "Morning Show",
    "Documentaries",
    "Sports Desk",
    "Archive",
    "Podcast",
    "Kids",
    "Drama Series",
    "Live Events",
    "Weather",
    "Culture",
    "Travel",
    "Cooking",
    "Science",
    "Music Sessions",
    "Interviews",
    "Trailers",
    "Shorts",
    "Training",
    "Ads",
];

/// One project with what drives its usage.
#[derive(Debug, Clone)]
struct Profile {
    project: Project,
    /// Its number, for hashing.
    number: u64,
    /// How many platform users work in it.
    users: u32,
    /// Mean seconds ingested by an active user on a weekday.
    pace: f64,
    /// Mean seconds per media item.
    item_seconds: f64,
    /// Video bytes per second of media.
    video_rate: f64,
}

/// A deterministic data set: accounts, projects and daily records.
#[derive(Debug, Clone)]
pub struct Synthetic {
    seed: u64,
    accounts: Vec<Account>,
    profiles: Vec<Profile>,
}

/// A well-mixed 64-bit hash of `parts` (splitmix64 steps).
fn mix(parts: &[u64]) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for &part in parts {
        h ^= part;
        h = h.wrapping_add(0x9E37_79B9_7F4A_7C15);
        h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        h ^= h >> 31;
    }
    h
}

/// A number in `[0, 1)` from a hash.
#[allow(clippy::cast_precision_loss)] // 53 bits are exact in an f64.
fn unit(hash: u64) -> f64 {
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// `x` rounded to a tenth.
fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Bytes from a float count, rounded; never negative.
#[allow(clippy::cast_possible_truncation)] // Values stay far below i64::MAX.
fn bytes(x: f64) -> i64 {
    x.round().max(0.0) as i64
}

/// A day as a number, for hashing: unique per date.
fn day_key(date: Date) -> u64 {
    let year = u64::try_from(date.year()).unwrap_or(0);
    let month = u64::try_from(date.month()).unwrap_or(0);
    let day = u64::try_from(date.day()).unwrap_or(0);
    (year * 13 + month) * 32 + day
}

impl Synthetic {
    /// The standard data set: 50 accounts, 200 projects.
    #[must_use]
    pub fn standard() -> Self {
        Self::new(STANDARD_SEED, 50, 200)
    }

    /// A data set of `accounts` accounts (at most 50) and `projects`
    /// projects (at least one per account) from `seed`.
    #[must_use]
    pub fn new(seed: u64, accounts: usize, projects: usize) -> Self {
        let n_accounts = accounts.clamp(1, FIRST.len() * SECOND.len());
        // Account i is named FIRST[i % 10] SECOND[i / 10].
        let accounts: Vec<Account> = SECOND
            .iter()
            .flat_map(|second| FIRST.iter().map(move |first| (first, second)))
            .take(n_accounts)
            .enumerate()
            .map(|(i, (first, second))| Account {
                id: format!("acc-{:02}", i + 1),
                name: format!("{first} {second}"),
            })
            .collect();
        // Each account has one project; the rest go mostly to the first
        // accounts (weights 1/(k+1)^0.8), so customers differ in size.
        let weights: Vec<f64> = (0..n_accounts)
            .map(|k| 1.0 / f64::from(u32::try_from(k + 1).unwrap_or(u32::MAX)).powf(0.8))
            .collect();
        let total: f64 = weights.iter().sum();
        let n_projects = projects.max(n_accounts);
        let mut counts = vec![0u32; n_accounts];
        let profiles = (0..n_projects)
            .map(|p| {
                let number = u64::try_from(p).unwrap_or(0);
                let owner = if p < n_accounts {
                    p
                } else {
                    let mut pick = unit(mix(&[seed, 1, number])) * total;
                    weights
                        .iter()
                        .position(|w| {
                            pick -= w;
                            pick < 0.0
                        })
                        .unwrap_or(0)
                };
                // owner < n_accounts, the length of both.
                let account_id = accounts
                    .get(owner)
                    .map(|a| a.id.clone())
                    .unwrap_or_default();
                let nth = counts.get_mut(owner).map_or(0, |count| {
                    *count += 1;
                    *count - 1
                });
                // Each account's projects walk the shows from a start of its
                // own, so names repeat within an account only past 20.
                let start = mix(&[seed, 2, u64::try_from(owner).unwrap_or(0)]);
                let step = u64::from(nth);
                let show = usize::try_from(start.wrapping_add(step) % 20)
                    .ok()
                    .and_then(|i| SHOWS.get(i))
                    .copied()
                    .unwrap_or_default();
                let name = if nth < 20 {
                    show.to_owned()
                } else {
                    format!("{show} {}", nth / 20 + 1)
                };
                let h = |salt: u64| unit(mix(&[seed, 3, number, salt]));
                Profile {
                    project: Project {
                        id: format!("prj-{:03}", p + 1),
                        account_id,
                        name,
                    },
                    number,
                    users: 4 + u32::try_from(mix(&[seed, 4, number]) % 33).unwrap_or(0),
                    pace: 600.0 * (11.0 * h(0)).mul_add(h(1), 1.0),
                    item_seconds: 780.0f64.mul_add(h(2), 120.0),
                    video_rate: 5.5e6f64.mul_add(h(3), 2.5e6),
                }
            })
            .collect();
        Self {
            seed,
            accounts,
            profiles,
        }
    }

    /// The customer accounts.
    #[must_use]
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// Every project.
    #[must_use]
    pub fn projects(&self) -> Vec<Project> {
        self.profiles.iter().map(|p| p.project.clone()).collect()
    }

    /// The records of `date`, by project and user.
    #[must_use]
    pub fn day(&self, date: Date) -> Vec<UsageRecord> {
        let key = day_key(date);
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        let active = if weekend { 0.45 } else { 0.75 };
        // A slow swell over the year and a little growth, so months differ.
        let day = f64::from(date.day_of_year());
        let swell = (day * std::f64::consts::TAU / 365.0).sin();
        let season = 0.002f64.mul_add(day, 0.25f64.mul_add(swell, 1.0));
        let mut records = Vec::new();
        for profile in &self.profiles {
            for user in 0..profile.users {
                let h = |salt: u64| unit(mix(&[self.seed, key, profile.number, user.into(), salt]));
                if h(0) >= active {
                    continue;
                }
                let seconds = tenth(profile.pace * season * 1.6f64.mul_add(h(1), 0.2));
                let items = bytes(seconds / profile.item_seconds).max(1);
                #[allow(clippy::cast_precision_loss)]
                let item_count = items as f64;
                let user_id = format!("usr-{:03}-{:02}", profile.number + 1, user + 1);
                records.push(UsageRecord {
                    id: format!("{date}/{}/{user_id}", profile.project.id),
                    date: date.to_string(),
                    account_id: profile.project.account_id.clone(),
                    project_id: profile.project.id.clone(),
                    user_id,
                    ingested_seconds: seconds,
                    ingested_items: items,
                    storage_bytes: StorageBytes {
                        video: bytes(seconds * profile.video_rate),
                        audio: bytes(seconds * 32_000.0),
                        proxy: bytes(seconds * 250_000.0),
                        subtitles: bytes(item_count * 40_000.0),
                        thumbnails: bytes(item_count * 360_000.0),
                    },
                    deleted: h(2) < 0.04,
                });
            }
        }
        records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
        let day = jiff::civil::date(2026, 5, 4);
        let a = Synthetic::new(7, 5, 12);
        let b = Synthetic::new(7, 5, 12);
        assert_eq!(a.day(day), b.day(day));
        assert_eq!(a.projects(), b.projects());
        assert_ne!(a.day(day), Synthetic::new(8, 5, 12).day(day));
        assert_ne!(a.day(day), a.day(day.tomorrow().unwrap()));
    }

    #[test]
    fn the_standard_set_has_50_accounts_200_projects_and_about_a_million_rows_a_year() {
        let data = Synthetic::standard();
        assert_eq!(data.accounts().len(), 50);
        let projects = data.projects();
        assert_eq!(projects.len(), 200);
        for account in data.accounts() {
            assert!(projects.iter().any(|p| p.account_id == account.id));
        }
        // Every 7th day of a year, times 7.
        let start = jiff::civil::date(2026, 1, 1);
        let sampled: usize = (0..365)
            .step_by(7)
            .map(|d| {
                data.day(start.checked_add(jiff::Span::new().days(d)).unwrap())
                    .len()
            })
            .sum();
        let year = sampled * 7;
        assert!((850_000..1_150_000).contains(&year), "{year} rows a year");
    }

    #[test]
    fn ids_are_unique_within_a_day_and_records_pass_their_checks() {
        let day = jiff::civil::date(2026, 2, 10);
        let records = Synthetic::standard().day(day);
        let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), records.len());
        for r in &records {
            assert_eq!(r.check(day, day), Ok(day), "{}", r.id);
        }
    }
}
