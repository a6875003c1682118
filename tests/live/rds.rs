//! RDS and Systems Manager against moto: databases, clusters and snapshots judged from
//! what was created; Systems Manager, whose node and patch APIs moto does not emulate,
//! shown to become a gap and `unknown`, never a pass.

use crate::support::{finding, json_report, posture, stderr, Moto};

/// One database, created as the test needs it.
struct Database {
    id: &'static str,
    encrypted: bool,
    public: bool,
    minor_upgrades: bool,
    multi_az: bool,
}

async fn create(rds: &aws_sdk_rds::Client, db: Database) {
    (rds.create_db_instance())
        .db_instance_identifier(db.id)
        .engine("postgres")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password("not-a-secret-1")
        .storage_encrypted(db.encrypted)
        .publicly_accessible(db.public)
        .auto_minor_version_upgrade(db.minor_upgrades)
        .multi_az(db.multi_az)
        .send()
        .await
        .unwrap();
}

async fn seed(rds: &aws_sdk_rds::Client) {
    let open = Database {
        id: "open-db",
        encrypted: false,
        public: true,
        minor_upgrades: false,
        multi_az: false,
    };
    let sealed = Database {
        id: "sealed-db",
        encrypted: true,
        public: false,
        minor_upgrades: true,
        multi_az: true,
    };
    create(rds, open).await;
    create(rds, sealed).await;
    for (snapshot, db) in [
        ("open-db-export", "open-db"),
        ("sealed-db-copy", "sealed-db"),
    ] {
        (rds.create_db_snapshot())
            .db_snapshot_identifier(snapshot)
            .db_instance_identifier(db)
            .send()
            .await
            .unwrap();
    }
    let share = |snapshot: &'static str, with: &'static str| {
        (rds.modify_db_snapshot_attribute())
            .db_snapshot_identifier(snapshot)
            .attribute_name("restore")
            .values_to_add(with)
            .send()
    };
    share("open-db-export", "all").await.unwrap();
    share("sealed-db-copy", "444455556666").await.unwrap();
    (rds.create_db_cluster())
        .db_cluster_identifier("ledger")
        .engine("aurora-postgresql")
        .master_username("app")
        .master_user_password("not-a-secret-1")
        .storage_encrypted(true)
        .send()
        .await
        .unwrap();
    (rds.create_db_cluster_snapshot())
        .db_cluster_snapshot_identifier("ledger-final")
        .db_cluster_identifier("ledger")
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn databases_clusters_and_snapshots_are_read_and_judged() {
    let moto = Moto::start();
    seed(&moto.rds("us-east-1")).await;
    let rules = [
        "rds-storage-unencrypted",
        "rds-instance-publicly-accessible",
        "rds-instance-minor-version-upgrade-off",
        "rds-database-single-az",
        "rds-snapshot-public",
        "rds-snapshot-unencrypted",
    ];
    let mut args = vec!["check", "--format", "json", "--region", "us-east-1"];
    for rule in rules {
        args.extend(["--rule", rule]);
    }
    let output = posture(&args, &moto.posture_env());
    let report = json_report(&output);
    assert_eq!(report["gaps"], serde_json::json!([]), "{}", stderr(&output));
    let status = |rule: &str, resource: &str| finding(&report, rule, resource)["status"].clone();
    for rule in &rules[..4] {
        assert_eq!(status(rule, ":db:open-db"), "fail", "{rule}");
        assert_eq!(status(rule, ":db:sealed-db"), "pass", "{rule}");
    }
    assert_eq!(status("rds-storage-unencrypted", ":cluster:ledger"), "pass");
    assert_eq!(
        status("rds-snapshot-public", ":snapshot:open-db-export"),
        "fail"
    );
    assert_eq!(
        status("rds-snapshot-public", ":snapshot:sealed-db-copy"),
        "pass"
    );
    assert_eq!(
        status("rds-snapshot-public", ":cluster-snapshot:ledger-final"),
        "pass"
    );
    assert_eq!(
        status("rds-snapshot-unencrypted", ":snapshot:open-db-export"),
        "fail"
    );
    assert_eq!(
        status("rds-snapshot-unencrypted", ":snapshot:sealed-db-copy"),
        "pass"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn systems_manager_which_moto_does_not_emulate_is_a_gap_and_unknown() {
    let moto = Moto::start();
    let ec2 = moto.ec2("us-east-1");
    // moto's default image: any id it knows will do.
    (ec2.run_instances())
        .image_id("ami-12c6146b")
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap();
    let rules = [
        "ec2-instance-not-managed-by-ssm",
        "ec2-instance-patches-missing",
        "ec2-instance-ssm-agent-not-reporting",
    ];
    let mut args = vec!["check", "--format", "json", "--region", "us-east-1"];
    for rule in rules {
        args.extend(["--rule", rule]);
    }
    let output = posture(&args, &moto.posture_env());
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report = json_report(&output);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        3,
        "one per rule for the region: {findings:?}"
    );
    assert!(
        findings.iter().all(|f| f["status"] == "unknown"),
        "{findings:?}"
    );
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter()
            .any(|g| g["service"] == "ssm" && g["operation"] == "DescribeInstanceInformation"),
        "{gaps:?}"
    );
}
