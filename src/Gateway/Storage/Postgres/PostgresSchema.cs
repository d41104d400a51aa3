namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// The versioned schema of the PostgreSQL store; a migration is appended, never edited. Version 1 is the SQLite schema
/// as of its version 10, with what several instances need: events get their stream position from the relay after commit
/// (<see cref="PostgresEventRelay"/>), so that a reader resuming after a position never misses a transaction that committed
/// later. Times are unix milliseconds.
/// </summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<(int Version, string Sql)> Migrations =
    [
        (1, """
            CREATE TABLE merchants (
                id text PRIMARY KEY,
                name text NOT NULL,
                rate_per_second integer NOT NULL,
                rate_burst integer NOT NULL,
                create_time bigint NOT NULL
            );
            CREATE TABLE api_keys (
                id text PRIMARY KEY,
                role integer NOT NULL,
                merchant_id text REFERENCES merchants (id),
                prefix text NOT NULL,
                hash text NOT NULL UNIQUE,
                description text NOT NULL,
                create_time bigint NOT NULL,
                expire_time bigint,
                revoke_time bigint,
                last_use_time bigint
            );
            CREATE INDEX ix_api_keys_merchant ON api_keys (merchant_id, create_time DESC);
            CREATE TABLE audit_log (
                sequence bigserial PRIMARY KEY,
                time bigint NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                target text NOT NULL,
                merchant_id text,
                detail text NOT NULL
            );
            CREATE TABLE payments (
                id text PRIMARY KEY,
                merchant_id text NOT NULL,
                state integer NOT NULL,
                create_time bigint NOT NULL,
                update_time bigint NOT NULL,
                expire_time bigint NOT NULL,
                open_attempt integer NOT NULL,
                pending_refund integer NOT NULL DEFAULT 0,
                version bigint NOT NULL,
                body text NOT NULL,
                next_check_time bigint NOT NULL DEFAULT 0,
                payer_query_time bigint NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_payments_merchant_list ON payments (merchant_id, create_time DESC, id DESC);
            CREATE INDEX ix_payments_merchant_state_list ON payments (merchant_id, state, create_time DESC, id DESC);
            CREATE INDEX ix_payments_attention ON payments (expire_time) WHERE state IN (1, 2, 4); -- processing, requires action, failed
            CREATE INDEX ix_payments_pending_refund ON payments (id) WHERE pending_refund = 1;
            CREATE INDEX ix_payments_payer_query ON payments (payer_query_time) WHERE payer_query_time > 0;
            CREATE TABLE attempts (
                channel text NOT NULL,
                reference text NOT NULL,
                payment_id text NOT NULL REFERENCES payments (id),
                attempt_id text NOT NULL,
                PRIMARY KEY (channel, reference)
            );
            CREATE TABLE refunds (
                id text PRIMARY KEY,
                payment_id text NOT NULL REFERENCES payments (id)
            );
            -- Events, written once with their change. Their stream position comes after commit, from the relay: an event waits
            -- in event_queue until a relay round gives it its place in event_positions (see PostgresEventRelay).
            CREATE TABLE payment_events (
                id bigserial PRIMARY KEY,
                payment_id text NOT NULL REFERENCES payments (id),
                merchant_id text NOT NULL,
                type text NOT NULL,
                state integer NOT NULL,
                time bigint NOT NULL,
                snapshot text NOT NULL,
                refund_id text
            );
            CREATE INDEX ix_payment_events_time ON payment_events USING brin (time); -- retention; brin: next to nothing per insert
            CREATE TABLE event_queue (
                event_id bigint PRIMARY KEY
            );
            CREATE TABLE event_positions (
                event_id bigint PRIMARY KEY,
                sequence bigint NOT NULL UNIQUE,
                payment_id text NOT NULL,
                merchant_id text NOT NULL
            );
            CREATE INDEX ix_event_positions_merchant ON event_positions (merchant_id, sequence);
            CREATE INDEX ix_event_positions_payment ON event_positions (payment_id, sequence);
            CREATE TABLE idempotency_keys (
                merchant_id text NOT NULL,
                scope text NOT NULL,
                key text NOT NULL,
                fingerprint text NOT NULL,
                payment_id text NOT NULL,
                create_time bigint NOT NULL,
                PRIMARY KEY (merchant_id, scope, key)
            );
            CREATE TABLE webhook_endpoints (
                id text PRIMARY KEY,
                merchant_id text NOT NULL,
                url text NOT NULL,
                description text NOT NULL,
                event_types text NOT NULL,
                secret_sealed text NOT NULL,
                state integer NOT NULL,
                create_time bigint NOT NULL
            );
            CREATE INDEX ix_webhook_endpoints_merchant ON webhook_endpoints (merchant_id, state);
            CREATE TABLE webhook_deliveries (
                id bigserial PRIMARY KEY,
                endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
                event_id bigint NOT NULL REFERENCES payment_events (id),
                payment_id text NOT NULL,
                state integer NOT NULL,
                attempts integer NOT NULL,
                next_attempt_time bigint NOT NULL,
                create_time bigint NOT NULL,
                UNIQUE (endpoint_id, event_id)
            );
            CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_time) WHERE state = 1;
            CREATE INDEX ix_webhook_deliveries_order ON webhook_deliveries (endpoint_id, payment_id, event_id) WHERE state = 1;
            CREATE INDEX ix_webhook_deliveries_payment ON webhook_deliveries (payment_id);
            CREATE INDEX ix_webhook_deliveries_event ON webhook_deliveries (event_id);
            CREATE TABLE webhook_attempts (
                delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id),
                number integer NOT NULL,
                time bigint NOT NULL,
                http_status integer NOT NULL,
                error text NOT NULL,
                duration_ms bigint NOT NULL,
                PRIMARY KEY (delivery_id, number)
            );
            CREATE TABLE channel_notifications (
                channel text NOT NULL,
                notification_id text NOT NULL,
                reference text NOT NULL,
                first_time bigint NOT NULL,
                repeats integer NOT NULL,
                PRIMARY KEY (channel, notification_id)
            );
            CREATE INDEX ix_channel_notifications_time ON channel_notifications USING brin (first_time);
            CREATE TABLE bank_credits (
                account_servicer_ref text NOT NULL,
                channel text NOT NULL,
                amount_minor bigint NOT NULL,
                currency text NOT NULL,
                reference text,
                payment_id text,
                state integer NOT NULL,
                reason text NOT NULL,
                booking_date text NOT NULL,
                debtor_name text,
                debtor_account text,
                source text NOT NULL,
                first_time bigint NOT NULL,
                PRIMARY KEY (channel, account_servicer_ref)
            );
            CREATE INDEX ix_bank_credits_state ON bank_credits (state, first_time);
            CREATE INDEX ix_bank_credits_payment ON bank_credits (payment_id);
            -- Which instance runs a worker (recovery, statement pull, retention) until when.
            CREATE TABLE worker_leases (
                name text PRIMARY KEY,
                holder text NOT NULL,
                until bigint NOT NULL
            );
            """),
        (2, """
            -- The evidence chain: a link per saved change of a payment, written in the change's own transaction (src/Gateway/Evidence,
            -- docs/evidence.md). The one-row evidence_tip is the chain's lock and its last link: a write locks it last, so appends
            -- are serialised (commit to commit) without any other lock being waited for while it is held. Not pruned by retention.
            CREATE TABLE evidence_links (
                sequence bigint PRIMARY KEY,
                time bigint NOT NULL,
                payment_id text NOT NULL,
                event_type text NOT NULL,
                amount_minor bigint NOT NULL,
                currency text NOT NULL,
                state integer NOT NULL,
                payer_ip text,
                previous_hash bytea NOT NULL,
                hash bytea NOT NULL
            );
            CREATE INDEX ix_evidence_links_payment ON evidence_links (payment_id, sequence);
            CREATE TABLE evidence_tip (
                id integer PRIMARY KEY CHECK (id = 0),
                sequence bigint NOT NULL,
                hash bytea NOT NULL
            );
            INSERT INTO evidence_tip (id, sequence, hash) VALUES (0, 0, decode(repeat('00', 32), 'hex'));
            CREATE TABLE evidence_heads (
                sequence bigint PRIMARY KEY,
                hash bytea NOT NULL,
                publish_time bigint NOT NULL
            );
            """),
        (3, """
            -- The risk rule set's versions: each update adds the next; the newest is in force on every instance.
            CREATE TABLE risk_rule_versions (
                version bigint PRIMARY KEY,
                document text NOT NULL,
                created_by text NOT NULL,
                create_time bigint NOT NULL,
                list_entries bigint NOT NULL
            );
            """),
        (4, """
            -- What an event says beyond the payment (JSON): the alert of a risk.alert event. NULL for most events.
            ALTER TABLE payment_events ADD COLUMN detail text;
            """),
        (5, """
            -- The group a payment is booked to (its customer.account's group), for the group's bills and reports; NULL for most.
            ALTER TABLE payments ADD COLUMN group_id text;
            CREATE INDEX ix_payments_group ON payments (group_id, create_time) WHERE group_id IS NOT NULL;
            """),
        (6, """
            -- Group accounts (docs/groups.md): groups, members, sub-accounts, budget holds and budget changes.
            CREATE TABLE enterprise_groups (id text PRIMARY KEY, merchant_id text NOT NULL, display_name text NOT NULL, create_time bigint NOT NULL);
            CREATE TABLE group_members (id text PRIMARY KEY, group_id text NOT NULL, display_name text NOT NULL, role bigint NOT NULL, create_time bigint NOT NULL);
            CREATE TABLE group_accounts (
                id text PRIMARY KEY,
                group_id text NOT NULL,
                merchant_id text NOT NULL,
                department_code text NOT NULL,
                display_name text NOT NULL,
                budget_currency text NOT NULL,
                budget_minor bigint NOT NULL,
                approval_threshold_minor bigint NOT NULL,
                approvers text NOT NULL,
                create_time bigint NOT NULL,
                UNIQUE (group_id, department_code)
            );
            -- A payment's hold on its sub-account's budget; whether it counts is read from its payment's state.
            CREATE TABLE budget_holds (
                payment_id text PRIMARY KEY,
                account_id text NOT NULL,
                period text NOT NULL,
                amount_minor bigint NOT NULL,
                create_time bigint NOT NULL
            );
            CREATE INDEX ix_budget_holds_account ON budget_holds (account_id, period);
            CREATE TABLE budget_changes (
                id text PRIMARY KEY,
                group_id text NOT NULL,
                state bigint NOT NULL,
                version bigint NOT NULL,
                body text NOT NULL
            );
            CREATE INDEX ix_budget_changes_pending ON budget_changes (group_id, state);
            CREATE INDEX ix_payments_group_state ON payments (group_id, state, create_time) WHERE group_id IS NOT NULL;
            -- The recovery worker expires payments waiting for approval too (state 7).
            CREATE INDEX ix_payments_attention_v6 ON payments (expire_time) WHERE state IN (1, 2, 4, 7);
            DROP INDEX ix_payments_attention;
            """),
        (7, """
            -- Disputes (src/Gateway/Disputes, docs/disputes.md): one document per dispute, with the columns its lists and workers need.
            CREATE TABLE disputes (
                id text PRIMARY KEY,
                merchant_id text NOT NULL,
                payment_id text NOT NULL,
                state bigint NOT NULL,
                level bigint NOT NULL,
                acquirer_dispute_id text UNIQUE,
                create_time bigint NOT NULL,
                due_time bigint NOT NULL,
                due_breached bigint NOT NULL,
                history_count bigint NOT NULL,
                published_through bigint NOT NULL,
                version bigint NOT NULL,
                body text NOT NULL
            );
            CREATE INDEX ix_disputes_list ON disputes (create_time DESC, id DESC);
            CREATE INDEX ix_disputes_merchant_list ON disputes (merchant_id, create_time DESC, id DESC);
            CREATE INDEX ix_disputes_payment ON disputes (payment_id);
            CREATE INDEX ix_disputes_due ON disputes (state, due_breached, due_time);
            CREATE INDEX ix_disputes_unpublished ON disputes (published_through, history_count);
            CREATE TABLE dispute_evidence (
                id text PRIMARY KEY,
                dispute_id text NOT NULL REFERENCES disputes (id),
                content bytea NOT NULL
            );
            CREATE TABLE dispute_payouts (
                id text PRIMARY KEY,
                dispute_id text NOT NULL REFERENCES disputes (id),
                merchant_id text NOT NULL,
                payee text NOT NULL,
                amount_minor bigint NOT NULL,
                currency text NOT NULL,
                create_time bigint NOT NULL
            );
            CREATE INDEX ix_dispute_payouts_dispute ON dispute_payouts (dispute_id);
            -- Each success the dispute screening checked: what it needs of the payment, which is also its customer's history.
            CREATE TABLE dispute_screenings (
                payment_id text PRIMARY KEY,
                merchant_id text NOT NULL,
                customer_id text NOT NULL,
                amount_minor bigint NOT NULL,
                currency text NOT NULL,
                channel text NOT NULL,
                country text NOT NULL,
                success_time bigint NOT NULL,
                dispute_id text
            );
            CREATE INDEX ix_dispute_screenings_customer ON dispute_screenings (merchant_id, customer_id, success_time DESC);
            CREATE INDEX ix_payments_state_update ON payments (state, update_time);
            """),
        (8, """
            -- Settlement reconciliation (src/Gateway/Settlement, docs/settlement.md): each run of a channel's day, the attempts and
            -- refunds a settlement file confirmed, and the mismatches of each day's latest run.
            CREATE TABLE settlement_runs (
                sequence bigserial PRIMARY KEY,
                id text NOT NULL UNIQUE,
                channel text NOT NULL,
                settle_date text NOT NULL,
                state bigint NOT NULL,
                file_name text,
                lines bigint NOT NULL,
                settled bigint NOT NULL,
                mismatches bigint NOT NULL,
                resolved bigint NOT NULL,
                error_code text,
                error_message text,
                error_line bigint NOT NULL,
                actor text NOT NULL,
                start_time bigint NOT NULL,
                finish_time bigint NOT NULL
            );
            CREATE INDEX ix_settlement_runs_channel ON settlement_runs (channel, sequence);
            CREATE TABLE settlement_marks (
                channel text NOT NULL,
                kind bigint NOT NULL,
                reference text NOT NULL,
                payment_id text NOT NULL,
                target_id text NOT NULL,
                settle_date text NOT NULL,
                amount_minor bigint NOT NULL,
                currency text NOT NULL,
                fee_minor bigint NOT NULL,
                file_name text NOT NULL,
                run_id text NOT NULL,
                PRIMARY KEY (channel, kind, reference)
            );
            CREATE INDEX ix_settlement_marks_day ON settlement_marks (channel, settle_date);
            CREATE INDEX ix_settlement_marks_payment ON settlement_marks (payment_id);
            CREATE TABLE settlement_mismatches (
                sequence bigserial PRIMARY KEY,
                run_id text NOT NULL,
                channel text NOT NULL,
                settle_date text NOT NULL,
                kind bigint NOT NULL,
                line_kind bigint NOT NULL,
                reference text NOT NULL,
                refund_reference text,
                payment_id text,
                refund_id text,
                channel_amount_minor bigint NOT NULL,
                gateway_amount_minor bigint NOT NULL,
                currency text NOT NULL,
                channel_state text,
                gateway_state text,
                line bigint NOT NULL,
                resolved bigint NOT NULL,
                note text NOT NULL
            );
            CREATE INDEX ix_settlement_mismatches_day ON settlement_mismatches (channel, settle_date);
            CREATE INDEX ix_settlement_mismatches_transaction ON settlement_mismatches (channel, line_kind, reference);
            """),
    ];
}
