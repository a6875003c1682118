//! Putting things in report order (by region, then by resource, as strings order their
//! bytes) quickly: a large account's findings, and the resources they are about, come by
//! the hundred thousand, and are large.

use crate::model::{Ec2Region, Iam, Observed, Snapshot};

/// Puts the snapshot's lists in the order their findings are reported in: what was read
/// per region by region name, resources by ARN (or by id, where the ARN is the region's
/// prefix and the id). Rules judge resources in the order of their lists, so on an
/// arranged snapshot most rules make their findings in report order, and evaluation need
/// not sort them (it checks, and sorts what is not). A snapshot in any order is judged the
/// same; arranged, it is also written the same whatever order AWS listed resources in.
pub fn arrange(snapshot: &mut Snapshot) {
    // `snapshot.regions` stays in the order the user named them.
    let Snapshot {
        ec2,
        s3,
        iam,
        kms,
        efs,
        rds,
        ssm,
        access_analyzers,
        logging,
        ..
    } = snapshot;
    // EC2's lists on one core, the others on another: at a million resources, each half
    // takes about a tenth of a second.
    std::thread::scope(|scope| {
        scope.spawn(|| arrange_ec2(ec2));
        if let Observed::Collected(buckets) = &mut s3.buckets {
            sort_by_place(buckets, |bucket| {
                (bucket.region.as_ref().ok().map(String::as_str), &bucket.arn)
            });
        }
        arrange_iam(iam);
        kms.sort_by(|a, b| a.region.cmp(&b.region));
        for region in kms {
            by_id(&mut region.keys, |key| &key.arn);
        }
        efs.sort_by(|a, b| a.region.cmp(&b.region));
        for region in efs {
            by_id(&mut region.file_systems, |file_system| &file_system.arn);
        }
        rds.sort_by(|a, b| a.region.cmp(&b.region));
        for region in rds {
            if let Observed::Collected(databases) = &mut region.databases {
                sort_by_place(&mut databases.instances, |instance| (None, &instance.arn));
                sort_by_place(&mut databases.clusters, |cluster| (None, &cluster.arn));
            }
            by_id(&mut region.snapshots, |snapshot| &snapshot.arn);
        }
        ssm.sort_by(|a, b| a.region.cmp(&b.region));
        access_analyzers.sort_by(|a, b| a.region.cmp(&b.region));
        // Trails and log groups are few, and kept as collection gives them (by ARN).
        logging.config.sort_by(|a, b| a.region.cmp(&b.region));
    });
}

fn arrange_ec2(regions: &mut [Ec2Region]) {
    regions.sort_by(|a, b| a.region.cmp(&b.region));
    for region in regions {
        by_id(&mut region.vpcs, |vpc| &vpc.id);
        by_id(&mut region.security_groups, |group| &group.id);
        by_id(&mut region.network_acls, |acl| &acl.id);
        by_id(&mut region.flow_logs, |log| &log.id);
        by_id(&mut region.network_interfaces, |interface| &interface.id);
        by_id(&mut region.instances, |instance| &instance.id);
        by_id(&mut region.volumes, |volume| &volume.id);
        by_id(&mut region.snapshots, |snapshot| &snapshot.id);
        by_id(&mut region.images, |image| &image.id);
    }
}

fn arrange_iam(iam: &mut Iam) {
    if let Observed::Collected(details) = &mut iam.authorization_details {
        sort_by_place(&mut details.users, |user| (None, &user.arn));
        sort_by_place(&mut details.groups, |group| (None, &group.arn));
        sort_by_place(&mut details.roles, |role| (None, &role.arn));
        sort_by_place(&mut details.policies, |policy| (None, &policy.arn));
    }
    by_id(&mut iam.credential_report, |row| &row.arn);
    by_id(&mut iam.server_certificates, |certificate| &certificate.arn);
}

/// Sorts a list by one string of each item (its id, or its ARN).
fn by_id<T>(list: &mut Observed<Vec<T>>, id: impl Fn(&T) -> &str) {
    if let Observed::Collected(items) = list {
        sort_by_place(items, |item| (None, id(item)));
    }
}

/// Sorts `items` by `place` (a region, `None` first, then a resource), stably: items of the
/// same place keep their order. Items are sorted by keys of their own (see [`order`]) and
/// then moved into place by swapping, in the vector they are in: sorting them, or gathering
/// them into a new vector, moved each several times, and comparing their strings, each
/// behind two pointers, took as long on a large account as the rules that made them.
pub fn sort_by_place<T>(items: &mut [T], place: impl Fn(&T) -> (Option<&str>, &str)) {
    if items.is_sorted_by(|a, b| place(a) <= place(b)) {
        return;
    }
    let mut order = {
        let places: Vec<(Option<&str>, &str)> = items.iter().map(place).collect();
        order(&places)
    };
    // `order[at]` is the position of the item that goes to `at`. Following each cycle of
    // the permutation, every swap puts one item where it belongs; a place done points at
    // itself, so a cycle already followed ends at once.
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Where an item goes, as far as one piece of its resource tells: its region's rank, then
/// the piece (see [`piece`]), then its position (items of one place keep their order).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    region: u32,
    piece: u128,
    left: u8,
    position: usize,
}

/// Sixteen bytes of a string from `offset`, as a big-endian integer padded with zeros,
/// and how many bytes are left from there (17 standing for more than sixteen). Two strings
/// order as their pieces do, unless both pieces tie with more than sixteen bytes left:
/// then their next pieces decide.
fn piece(string: &[u8], offset: usize) -> (u128, u8) {
    let rest = string.get(offset..).unwrap_or_default();
    let mut first = [0_u8; 16];
    let taken = rest.len().min(16);
    first[..taken].copy_from_slice(&rest[..taken]);
    (u128::from_be_bytes(first), rest.len().min(17) as u8)
}

/// The positions of items in order of their places. Keys are integers in one array,
/// sixteen bytes of the resource at a time, more only where they tie. Not generic: one
/// copy serves every kind of item (a copy per kind made the binary 0.2 MB larger).
fn order(places: &[(Option<&str>, &str)]) -> Vec<usize> {
    let regions = region_ranks(places);
    // The resources of one region share a long prefix (`arn:aws:ec2:REGION:ACCOUNT:...`):
    // pieces start past it.
    let mut shared: Vec<Option<&[u8]>> = vec![None; regions.len()];
    for (place, &region) in places.iter().zip(&regions) {
        let resource = place.1.as_bytes();
        let prefix = &mut shared[region as usize];
        *prefix = Some(prefix.map_or(resource, |p| &p[..common_prefix(p, resource)]));
    }
    let shared: Vec<usize> = shared
        .into_iter()
        .map(|p| p.map_or(0, <[u8]>::len))
        .collect();
    let resource =
        |key: &SortKey| &places[key.position].1.as_bytes()[shared[key.region as usize]..];
    let mut keys: Vec<SortKey> = (0..places.len())
        .map(|position| {
            let mut key = SortKey {
                region: regions[position],
                piece: 0,
                left: 0,
                position,
            };
            (key.piece, key.left) = piece(resource(&key), 0);
            key
        })
        .collect();
    sort_from(&mut keys, 0, &resource);
    keys.into_iter().map(|key| key.position).collect()
}

/// Each item's region as its rank among the regions of the items (no region first).
fn region_ranks(places: &[(Option<&str>, &str)]) -> Vec<u32> {
    let mut regions: Vec<Option<&str>> = Vec::new();
    let mut first_seen: Vec<u32> = Vec::with_capacity(places.len());
    for &(region, _) in places {
        // Items of one region mostly come together.
        let seen = match first_seen.last() {
            Some(&last) if regions[last as usize] == region => last,
            _ => match regions.iter().position(|r| *r == region) {
                Some(seen) => seen as u32,
                None => {
                    regions.push(region);
                    (regions.len() - 1) as u32
                }
            },
        };
        first_seen.push(seen);
    }
    let mut sorted: Vec<u32> = (0..regions.len() as u32).collect();
    sorted.sort_by_key(|&seen| regions[seen as usize]);
    let mut rank = vec![0; regions.len()];
    for (place, seen) in sorted.into_iter().enumerate() {
        rank[seen as usize] = place as u32;
    }
    first_seen
        .into_iter()
        .map(|seen| rank[seen as usize])
        .collect()
}

/// How far into the resources pieces go: past it, ties are settled by comparing the rest
/// of the strings, so that a snapshot of long look-alike ids (a file can hold anything)
/// cannot make the recursion as deep as the ids are long.
const PIECES_UP_TO: usize = 512;

/// Sorts keys whose pieces start at `offset` of their resources, then each run that ties
/// on a piece with more to come by the next pieces.
fn sort_from<'a>(keys: &mut [SortKey], offset: usize, resource: &dyn Fn(&SortKey) -> &'a [u8]) {
    keys.sort_unstable();
    let next = offset + 16;
    let tie = |a: &SortKey, b: &SortKey| (a.region, a.piece, a.left) == (b.region, b.piece, b.left);
    for run in keys.chunk_by_mut(tie) {
        if run.len() < 2 || run[0].left <= 16 {
            continue;
        }
        if next >= PIECES_UP_TO {
            run.sort_unstable_by(|a, b| {
                (resource(a)[next..].cmp(&resource(b)[next..])).then(a.position.cmp(&b.position))
            });
            continue;
        }
        for key in run.iter_mut() {
            (key.piece, key.left) = piece(resource(key), next);
        }
        sort_from(run, next, resource);
    }
}

/// The length of the prefix two byte strings share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::evaluate;
    use crate::evaluate::tests::{demo, settings};
    use crate::registry::RULES;
    use crate::rule::{Context, Status};

    /// The demo account as AWS might have listed it: every list `arrange` sorts, reversed.
    fn reversed() -> Snapshot {
        fn reverse<T>(list: &mut Observed<Vec<T>>) {
            if let Observed::Collected(items) = list {
                items.reverse();
            }
        }
        let mut snapshot = demo();
        snapshot.ec2.reverse();
        for region in &mut snapshot.ec2 {
            reverse(&mut region.vpcs);
            reverse(&mut region.security_groups);
            reverse(&mut region.network_acls);
            reverse(&mut region.flow_logs);
            reverse(&mut region.network_interfaces);
            reverse(&mut region.instances);
            reverse(&mut region.volumes);
            reverse(&mut region.snapshots);
            reverse(&mut region.images);
        }
        reverse(&mut snapshot.s3.buckets);
        if let Observed::Collected(details) = &mut snapshot.iam.authorization_details {
            details.users.reverse();
            details.groups.reverse();
            details.roles.reverse();
            details.policies.reverse();
        }
        reverse(&mut snapshot.iam.credential_report);
        reverse(&mut snapshot.iam.server_certificates);
        for region in &mut snapshot.kms {
            reverse(&mut region.keys);
        }
        snapshot.kms.reverse();
        snapshot
    }

    #[test]
    fn look_alike_resources_a_megabyte_long_sort_as_their_bytes() {
        // Pieces of sixteen bytes all the way would recurse 65,000 deep and overflow.
        let long = "x".repeat(1 << 20);
        let resources = [
            format!("{long}b"),
            format!("{long}a{long}"),
            long.clone(),
            format!("{long}a"),
            "y".to_string(),
            format!("{}c", &long[..600]),
            format!("{long}a"),
        ];
        let mut items: Vec<(usize, &str)> =
            resources.iter().map(String::as_str).enumerate().collect();
        let mut expected = items.clone();
        expected.sort_by_key(|&(_, resource)| resource);
        sort_by_place(&mut items, |&(_, resource)| (None, resource));
        assert_eq!(items, expected);
    }

    #[test]
    fn an_arranged_snapshot_is_the_same_whatever_order_its_lists_came_in() {
        let (mut listed, mut reversed) = (demo(), reversed());
        assert_ne!(listed, reversed);
        arrange(&mut listed);
        arrange(&mut reversed);
        assert_eq!(listed, reversed);
        let before = listed.clone();
        arrange(&mut listed);
        assert_eq!(listed, before, "arranging twice changes nothing");
    }

    #[test]
    fn arranging_changes_no_verdict() {
        let verdicts = |snapshot: &Snapshot| {
            let mut verdicts: Vec<(String, Option<String>, String, Status)> =
                evaluate(snapshot, &settings(), |_| true)
                    .into_iter()
                    .map(|f| (f.rule_id.into_owned(), f.region, f.resource, f.status))
                    .collect();
            verdicts.sort();
            verdicts
        };
        let mut arranged = reversed();
        arrange(&mut arranged);
        assert_eq!(verdicts(&reversed()), verdicts(&arranged));
        assert_eq!(verdicts(&demo()), verdicts(&arranged));
    }

    /// The point of arranging: most rules then make their findings in report order, and
    /// evaluation has nothing to sort. The rules that still need sorting, and why.
    #[test]
    fn on_an_arranged_snapshot_most_rules_find_in_report_order() {
        let mut snapshot = reversed();
        arrange(&mut snapshot);
        let cx = Context {
            snapshot: &snapshot,
            settings: &settings(),
        };
        let place = |f: &crate::rule::Finding| (f.region.clone(), f.resource.clone());
        let unsorted: Vec<&str> = RULES
            .iter()
            .filter(|rule| !(rule.check)(rule, &cx).is_sorted_by_key(place))
            .map(|rule| rule.id)
            .collect();
        assert_eq!(
            unsorted,
            [
                // Customer policies, then the inline policies of users, groups and roles.
                "iam-policy-full-admin",
                "iam-policy-service-wildcard",
                "iam-policy-not-action-allow",
                // Users, then roles (whose ARNs order first).
                "iam-principal-administrator",
                "iam-privilege-escalation",
                "iam-principal-can-empower-others",
                // Trails by ARN, their findings by home region.
                "cloudtrail-log-file-validation-disabled",
                "cloudtrail-bucket-access-logging-disabled",
                "cloudtrail-cloudwatch-logs-not-integrated",
                "cloudtrail-logs-not-kms-encrypted",
            ]
        );
    }
}
