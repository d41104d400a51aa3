namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// The versioned schema. A migration is appended, never edited. Plain SQL that PostgreSQL also accepts
/// (times are unix milliseconds in 64-bit integers), except the sequence column's AUTOINCREMENT.
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE payments (
                id TEXT PRIMARY KEY,
                state INTEGER NOT NULL,
                create_time INTEGER NOT NULL,
                update_time INTEGER NOT NULL,
                expire_time INTEGER NOT NULL,
                open_attempt INTEGER NOT NULL,
                version INTEGER NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX ix_payments_list ON payments (create_time DESC, id DESC);
            CREATE INDEX ix_payments_state_list ON payments (state, create_time DESC, id DESC);
            CREATE INDEX ix_payments_attention ON payments (state, expire_time);
            CREATE TABLE attempts (
                channel TEXT NOT NULL,
                reference TEXT NOT NULL,
                payment_id TEXT NOT NULL REFERENCES payments (id),
                attempt_id TEXT NOT NULL,
                PRIMARY KEY (channel, reference)
            );
            CREATE TABLE payment_events (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                payment_id TEXT NOT NULL REFERENCES payments (id),
                type TEXT NOT NULL,
                state INTEGER NOT NULL,
                time INTEGER NOT NULL,
                snapshot TEXT NOT NULL
            );
            CREATE INDEX ix_payment_events_payment ON payment_events (payment_id, sequence);
            CREATE TABLE idempotency_keys (
                scope TEXT NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                payment_id TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                PRIMARY KEY (scope, key)
            );
            """),
        (2, """
            -- 1 while an attempt's duplicate success waits for its automatic refund, whatever the payment's state.
            ALTER TABLE payments ADD COLUMN pending_refund INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX ix_payments_pending_refund ON payments (pending_refund);
            """),
        (3, """
            -- Merchant refunds live in their payment's body; this finds the payment of a refund id.
            CREATE TABLE refunds (
                id TEXT PRIMARY KEY,
                payment_id TEXT NOT NULL REFERENCES payments (id)
            );
            ALTER TABLE payment_events ADD COLUMN refund_id TEXT;
            """),
        (4, """
            -- Webhooks. A delivery row per (endpoint, event) is written in the same transaction as the event: the outbox.
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                description TEXT NOT NULL,
                event_types TEXT NOT NULL, -- comma-separated; empty for all
                secret_sealed TEXT NOT NULL, -- AES-256-GCM under the gateway's webhook key, never the secret itself
                state INTEGER NOT NULL,
                create_time INTEGER NOT NULL
            );
            CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
                event_sequence INTEGER NOT NULL REFERENCES payment_events (sequence),
                payment_id TEXT NOT NULL,
                state INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_time INTEGER NOT NULL,
                create_time INTEGER NOT NULL,
                UNIQUE (endpoint_id, event_sequence)
            );
            CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (state, next_attempt_time);
            CREATE INDEX ix_webhook_deliveries_order ON webhook_deliveries (endpoint_id, payment_id, state, event_sequence);
            CREATE INDEX ix_webhook_deliveries_payment ON webhook_deliveries (payment_id);
            CREATE TABLE webhook_attempts (
                delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
                number INTEGER NOT NULL,
                time INTEGER NOT NULL,
                http_status INTEGER NOT NULL,
                error TEXT NOT NULL,
                duration_ms INTEGER NOT NULL,
                PRIMARY KEY (delivery_id, number)
            );
            """),
        (5, """
            -- Verified channel notifications already applied: a repeat (the network's resend, or a replay) is acknowledged without effect.
            CREATE TABLE channel_notifications (
                channel TEXT NOT NULL,
                notification_id TEXT NOT NULL,
                reference TEXT NOT NULL,
                first_time INTEGER NOT NULL,
                repeats INTEGER NOT NULL,
                PRIMARY KEY (channel, notification_id)
            );
            """),
        (6, """
            -- Credits bank documents reported, and what became of each: matched to a payment, or held for review with why.
            CREATE TABLE bank_credits (
                account_servicer_ref TEXT NOT NULL,
                channel TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                reference TEXT,
                payment_id TEXT,
                state INTEGER NOT NULL, -- 0 received, 1 matched, 2 held
                reason TEXT NOT NULL,
                booking_date TEXT NOT NULL,
                debtor_name TEXT,
                debtor_account TEXT,
                source TEXT NOT NULL,
                first_time INTEGER NOT NULL,
                PRIMARY KEY (channel, account_servicer_ref)
            );
            CREATE INDEX ix_bank_credits_state ON bank_credits (state, first_time);
            """),
        (7, """
            -- When the worker may next ask about a call in flight (a SWIFT transfer settling for days is asked ever less often).
            ALTER TABLE payments ADD COLUMN next_check_time INTEGER NOT NULL DEFAULT 0;
            """),
        (8, """
            -- When the worker next asks about a payment waiting for the payer to scan its QR code (0: not waiting, or no more questions).
            ALTER TABLE payments ADD COLUMN payer_query_time INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX ix_payments_payer_query ON payments (payer_query_time) WHERE payer_query_time > 0;
            """),
        (9, """
            -- Merchants, their API keys (only hashes) and the audit log of administrative actions.
            CREATE TABLE merchants (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                rate_per_second INTEGER NOT NULL, -- 0: the gateway's default
                rate_burst INTEGER NOT NULL,
                create_time INTEGER NOT NULL
            );
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                role INTEGER NOT NULL, -- 1 merchant, 2 operator
                merchant_id TEXT REFERENCES merchants (id), -- NULL for an operator key
                prefix TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE, -- SHA-256 of the secret; the secret itself is never stored
                description TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                expire_time INTEGER,
                revoke_time INTEGER,
                last_use_time INTEGER
            );
            CREATE INDEX ix_api_keys_merchant ON api_keys (merchant_id, create_time DESC);
            CREATE TABLE audit_log (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                merchant_id TEXT,
                detail TEXT NOT NULL
            );
            -- Every resource belongs to a merchant; rows from before merchants have '' (the sandbox's merchant adopts them).
            ALTER TABLE payments ADD COLUMN merchant_id TEXT NOT NULL DEFAULT '';
            DROP INDEX ix_payments_list;
            DROP INDEX ix_payments_state_list;
            CREATE INDEX ix_payments_merchant_list ON payments (merchant_id, create_time DESC, id DESC);
            CREATE INDEX ix_payments_merchant_state_list ON payments (merchant_id, state, create_time DESC, id DESC);
            ALTER TABLE payment_events ADD COLUMN merchant_id TEXT NOT NULL DEFAULT '';
            CREATE INDEX ix_payment_events_merchant ON payment_events (merchant_id, sequence);
            ALTER TABLE webhook_endpoints ADD COLUMN merchant_id TEXT NOT NULL DEFAULT '';
            CREATE INDEX ix_webhook_endpoints_merchant ON webhook_endpoints (merchant_id, state);
            -- Two merchants may use the same request_id.
            CREATE TABLE idempotency_keys_scoped (
                merchant_id TEXT NOT NULL,
                scope TEXT NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                payment_id TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                PRIMARY KEY (merchant_id, scope, key)
            );
            INSERT INTO idempotency_keys_scoped SELECT '', scope, key, fingerprint, payment_id, create_time FROM idempotency_keys;
            DROP TABLE idempotency_keys;
            ALTER TABLE idempotency_keys_scoped RENAME TO idempotency_keys;
            """),
        (10, """
            -- Which instance runs a worker until when (one process owns a SQLite file, but the contract is the shared store's).
            CREATE TABLE worker_leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                until INTEGER NOT NULL
            );
            -- Retention prunes by age, and keeps an event while a delivery carries it.
            CREATE INDEX ix_payment_events_time ON payment_events (time);
            CREATE INDEX ix_webhook_deliveries_event ON webhook_deliveries (event_sequence);
            CREATE INDEX ix_channel_notifications_time ON channel_notifications (first_time);
            """),
        (11, """
            -- The evidence chain: a link per saved change of a payment, written in the change's own transaction (src/Gateway/Evidence,
            -- docs/evidence.md). Not pruned by retention. A database from before starts its chain with its first change after this.
            CREATE TABLE evidence_links (
                sequence INTEGER PRIMARY KEY,
                time INTEGER NOT NULL,
                payment_id TEXT NOT NULL,
                event_type TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                state INTEGER NOT NULL,
                payer_ip TEXT,
                previous_hash BLOB NOT NULL,
                hash BLOB NOT NULL
            );
            CREATE INDEX ix_evidence_links_payment ON evidence_links (payment_id, sequence);
            -- The chain's heads as published (and logged) by the publisher: a truncated or rewritten chain no longer reaches them.
            CREATE TABLE evidence_heads (
                sequence INTEGER PRIMARY KEY,
                hash BLOB NOT NULL,
                publish_time INTEGER NOT NULL
            );
            """),
        (12, """
            -- The risk rule set's versions: each update adds the next; the newest is in force.
            CREATE TABLE risk_rule_versions (
                version INTEGER PRIMARY KEY,
                document TEXT NOT NULL,
                created_by TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                list_entries INTEGER NOT NULL
            );
            """),
        (13, """
            -- What an event says beyond the payment (JSON): the alert of a risk.alert event. NULL for most events.
            ALTER TABLE payment_events ADD COLUMN detail TEXT;
            """),
        (14, """
            -- The group a payment is booked to (its customer.account's group), for the group's bills and reports; NULL for most.
            ALTER TABLE payments ADD COLUMN group_id TEXT;
            CREATE INDEX ix_payments_group ON payments (group_id, create_time) WHERE group_id IS NOT NULL;
            """),
        (15, """
            -- Group accounts (docs/groups.md): groups, members, sub-accounts, budget holds and budget changes.
            CREATE TABLE enterprise_groups (id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, display_name TEXT NOT NULL, create_time INTEGER NOT NULL);
            CREATE TABLE group_members (id TEXT PRIMARY KEY, group_id TEXT NOT NULL, display_name TEXT NOT NULL, role INTEGER NOT NULL, create_time INTEGER NOT NULL);
            CREATE TABLE group_accounts (
                id TEXT PRIMARY KEY,
                group_id TEXT NOT NULL,
                merchant_id TEXT NOT NULL,
                department_code TEXT NOT NULL,
                display_name TEXT NOT NULL,
                budget_currency TEXT NOT NULL,
                budget_minor INTEGER NOT NULL,
                approval_threshold_minor INTEGER NOT NULL,
                approvers TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                UNIQUE (group_id, department_code)
            );
            -- A payment's hold on its sub-account's budget; whether it counts is read from its payment's state.
            CREATE TABLE budget_holds (
                payment_id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                period TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                create_time INTEGER NOT NULL
            );
            CREATE INDEX ix_budget_holds_account ON budget_holds (account_id, period);
            CREATE TABLE budget_changes (
                id TEXT PRIMARY KEY,
                group_id TEXT NOT NULL,
                state INTEGER NOT NULL,
                version INTEGER NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX ix_budget_changes_pending ON budget_changes (group_id, state);
            CREATE INDEX ix_payments_group_state ON payments (group_id, state, create_time) WHERE group_id IS NOT NULL;
            """),
        (16, """
            -- Disputes (src/Gateway/Disputes, docs/disputes.md): one document per dispute, with the columns its lists and workers need.
            CREATE TABLE disputes (
                id TEXT PRIMARY KEY,
                merchant_id TEXT NOT NULL,
                payment_id TEXT NOT NULL,
                state INTEGER NOT NULL,
                level INTEGER NOT NULL,
                acquirer_dispute_id TEXT UNIQUE,
                create_time INTEGER NOT NULL,
                due_time INTEGER NOT NULL,
                due_breached INTEGER NOT NULL,
                history_count INTEGER NOT NULL,
                published_through INTEGER NOT NULL,
                version INTEGER NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX ix_disputes_list ON disputes (create_time DESC, id DESC);
            CREATE INDEX ix_disputes_merchant_list ON disputes (merchant_id, create_time DESC, id DESC);
            CREATE INDEX ix_disputes_payment ON disputes (payment_id);
            CREATE INDEX ix_disputes_due ON disputes (state, due_breached, due_time);
            CREATE INDEX ix_disputes_unpublished ON disputes (published_through, history_count);
            CREATE TABLE dispute_evidence (
                id TEXT PRIMARY KEY,
                dispute_id TEXT NOT NULL REFERENCES disputes (id),
                content BLOB NOT NULL
            );
            CREATE TABLE dispute_payouts (
                id TEXT PRIMARY KEY,
                dispute_id TEXT NOT NULL REFERENCES disputes (id),
                merchant_id TEXT NOT NULL,
                payee TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                create_time INTEGER NOT NULL
            );
            CREATE INDEX ix_dispute_payouts_dispute ON dispute_payouts (dispute_id);
            -- Each success the dispute screening checked: what it needs of the payment, which is also its customer's history.
            CREATE TABLE dispute_screenings (
                payment_id TEXT PRIMARY KEY,
                merchant_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                channel TEXT NOT NULL,
                country TEXT NOT NULL,
                success_time INTEGER NOT NULL,
                dispute_id TEXT
            );
            CREATE INDEX ix_dispute_screenings_customer ON dispute_screenings (merchant_id, customer_id, success_time DESC);
            CREATE INDEX ix_payments_state_update ON payments (state, update_time);
            """),
        (17, """
            -- Settlement reconciliation (src/Gateway/Settlement, docs/settlement.md): each run of a channel's day, the attempts and
            -- refunds a settlement file confirmed, and the mismatches of each day's latest run.
            CREATE TABLE settlement_runs (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                channel TEXT NOT NULL,
                settle_date TEXT NOT NULL,
                state INTEGER NOT NULL,
                file_name TEXT,
                lines INTEGER NOT NULL,
                settled INTEGER NOT NULL,
                mismatches INTEGER NOT NULL,
                resolved INTEGER NOT NULL,
                error_code TEXT,
                error_message TEXT,
                error_line INTEGER NOT NULL,
                actor TEXT NOT NULL,
                start_time INTEGER NOT NULL,
                finish_time INTEGER NOT NULL
            );
            CREATE INDEX ix_settlement_runs_channel ON settlement_runs (channel, sequence);
            CREATE TABLE settlement_marks (
                channel TEXT NOT NULL,
                kind INTEGER NOT NULL,
                reference TEXT NOT NULL,
                payment_id TEXT NOT NULL,
                target_id TEXT NOT NULL,
                settle_date TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                fee_minor INTEGER NOT NULL,
                file_name TEXT NOT NULL,
                run_id TEXT NOT NULL,
                PRIMARY KEY (channel, kind, reference)
            );
            CREATE INDEX ix_settlement_marks_day ON settlement_marks (channel, settle_date);
            CREATE INDEX ix_settlement_marks_payment ON settlement_marks (payment_id);
            CREATE TABLE settlement_mismatches (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                settle_date TEXT NOT NULL,
                kind INTEGER NOT NULL,
                line_kind INTEGER NOT NULL,
                reference TEXT NOT NULL,
                refund_reference TEXT,
                payment_id TEXT,
                refund_id TEXT,
                channel_amount_minor INTEGER NOT NULL,
                gateway_amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                channel_state TEXT,
                gateway_state TEXT,
                line INTEGER NOT NULL,
                resolved INTEGER NOT NULL,
                note TEXT NOT NULL
            );
            CREATE INDEX ix_settlement_mismatches_day ON settlement_mismatches (channel, settle_date);
            CREATE INDEX ix_settlement_mismatches_transaction ON settlement_mismatches (channel, line_kind, reference);
            """),
    ];
}
