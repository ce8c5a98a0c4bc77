// Portable types only: both backends' migrations must produce these columns.

diesel::table! {
    departments (id) {
        id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    category_slugs (slug) {
        slug -> Text,
        category_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Text,
        kind -> Text,
        retention_class -> Text,
        retention_years -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        department_id -> Nullable<Text>,
        publish_delegation -> Bool,
        disabled -> Bool,
        token_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_categories (user_id, category_id) {
        user_id -> Text,
        category_id -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        detail -> Text,
        client_addr -> Nullable<Text>,
    }
}

diesel::table! {
    /// The working copy of every content item, whatever its kind: the common columns, and the
    /// kind's own fields as one JSON object.
    content_items (id) {
        id -> Text,
        kind -> Text,
        slug -> Text,
        status -> Text,
        category_id -> Text,
        author_id -> Text,
        title -> Text,
        revision -> Integer,
        version -> Integer,
        publish_at -> Nullable<Timestamp>,
        first_published_at -> Nullable<Timestamp>,
        published_revision -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        fields -> Text,
    }
}

diesel::table! {
    content_revisions (id) {
        id -> Text,
        item_id -> Text,
        number -> Integer,
        slug -> Text,
        category_id -> Text,
        title -> Text,
        editor_id -> Text,
        note -> Text,
        created_at -> Timestamp,
        fields -> Text,
    }
}

diesel::table! {
    content_slugs (kind, slug) {
        kind -> Text,
        slug -> Text,
        item_id -> Text,
        created_at -> Timestamp,
        public -> Bool,
    }
}

diesel::table! {
    /// What the public sees of every kind: the published revision of each live item.
    public_items (item_id) {
        item_id -> Text,
        kind -> Text,
        slug -> Text,
        category_id -> Text,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        revision -> Integer,
        author_name -> Text,
        title -> Text,
        summary -> Text,
        search_title -> Text,
        search_version -> Integer,
        card -> Text,
        detail -> Text,
        search_text -> Text,
    }
}

diesel::table! {
    public_article_tags (article_id, tag) {
        article_id -> Text,
        tag -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    content_transitions (id) {
        id -> Text,
        content_type -> Text,
        content_id -> Text,
        action -> Text,
        from_status -> Text,
        to_status -> Text,
        revision -> Integer,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        comment -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    change_feed (seq) {
        seq -> BigInt,
        content_type -> Text,
        content_id -> Text,
        action -> Text,
        at -> Timestamp,
        revision -> Nullable<Integer>,
    }
}

diesel::table! {
    media (id) {
        id -> Text,
        kind -> Text,
        content_type -> Text,
        sha256 -> Text,
        source_sha256 -> Text,
        size -> BigInt,
        original_name -> Text,
        title -> Text,
        alt_text -> Text,
        caption -> Text,
        author -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        duration_seconds -> Nullable<Integer>,
        uploaded_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    media_variants (media_id, name) {
        media_id -> Text,
        name -> Text,
        content_type -> Text,
        sha256 -> Text,
        size -> BigInt,
        width -> Integer,
        height -> Integer,
    }
}

diesel::table! {
    media_uses (media_id, content_type, content_id, public) {
        media_id -> Text,
        content_type -> Text,
        content_id -> Text,
        public -> Bool,
    }
}

diesel::joinable!(category_slugs -> categories (category_id));
diesel::joinable!(users -> departments (department_id));
diesel::joinable!(user_categories -> users (user_id));
diesel::joinable!(user_categories -> categories (category_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(content_items -> categories (category_id));
diesel::joinable!(content_items -> users (author_id));
diesel::joinable!(content_revisions -> content_items (item_id));
diesel::joinable!(public_article_tags -> public_items (article_id));
diesel::joinable!(media_variants -> media (media_id));
diesel::joinable!(media -> users (uploaded_by));

diesel::allow_tables_to_appear_in_same_query!(
    category_slugs,
    departments,
    categories,
    users,
    user_categories,
    refresh_tokens,
    audit_log,
    content_items,
    content_revisions,
    content_slugs,
    public_items,
    public_article_tags,
    document_numbers,
    document_relations,
    public_documents,
    public_document_relations,
    public_procedures,
    public_procedure_bases,
    page_parents,
    public_pages,
    public_people,
    public_resources,
    public_links,
    content_transitions,
    change_feed,
    media,
    media_variants,
    media_uses,
);

diesel::table! {
    document_numbers (item_id) {
        item_id -> Text,
        number_key -> Text,
    }
}

diesel::table! {
    document_relations (from_id, to_id) {
        from_id -> Text,
        to_id -> Text,
        kind -> Text,
    }
}

diesel::table! {
    public_documents (item_id) {
        item_id -> Text,
        lookup_key -> Text,
        form -> Text,
        issuer_code -> Text,
        year -> Integer,
        signed_on -> Date,
        effective_on -> Date,
        expires_on -> Nullable<Date>,
        published_at -> Timestamp,
    }
}

diesel::table! {
    public_document_relations (from_id, to_id) {
        from_id -> Text,
        to_id -> Text,
        kind -> Text,
    }
}

diesel::joinable!(public_documents -> public_items (item_id));

diesel::table! {
    public_procedures (item_id) {
        item_id -> Text,
        field -> Text,
        field_key -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    public_procedure_bases (procedure_id, document_id) {
        procedure_id -> Text,
        document_id -> Text,
    }
}

diesel::joinable!(public_procedures -> public_items (item_id));

diesel::table! {
    page_parents (item_id) {
        item_id -> Text,
        parent_id -> Text,
    }
}

diesel::table! {
    public_pages (item_id) {
        item_id -> Text,
        parent_id -> Nullable<Text>,
        position -> Integer,
    }
}

diesel::joinable!(public_pages -> public_items (item_id));

diesel::table! {
    public_people (item_id) {
        item_id -> Text,
        unit_key -> Text,
        rank -> Integer,
        term_start -> Nullable<Date>,
        term_end -> Nullable<Date>,
    }
}

diesel::joinable!(public_people -> public_items (item_id));

diesel::table! {
    public_resources (item_id) {
        item_id -> Text,
        resource_type -> Text,
        subject_key -> Text,
        grade -> Nullable<Integer>,
        school_year -> Text,
        published_at -> Timestamp,
    }
}

diesel::joinable!(public_resources -> public_items (item_id));

diesel::table! {
    public_links (item_id) {
        item_id -> Text,
        link_group -> Text,
        rank -> Integer,
    }
}

diesel::joinable!(public_links -> public_items (item_id));

diesel::table! {
    questions (id) {
        id -> Text,
        ticket_hash -> Text,
        status -> Text,
        subject -> Text,
        body -> Text,
        procedure_id -> Nullable<Text>,
        department_id -> Nullable<Text>,
        duplicate_of -> Nullable<Text>,
        asker_name -> Nullable<Text>,
        asker_email -> Nullable<Text>,
        asker_phone -> Nullable<Text>,
        asker_address -> Nullable<Text>,
        reply_by -> Text,
        answer -> Nullable<Text>,
        answer_revision -> Integer,
        sent_at -> Nullable<Timestamp>,
        sent_via -> Nullable<Text>,
        delivery_note -> Nullable<Text>,
        due_at -> Timestamp,
        received_at -> Timestamp,
        updated_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    question_answers (question_id, revision) {
        question_id -> Text,
        revision -> Integer,
        body -> Text,
        author_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    question_events (id) {
        id -> Text,
        question_id -> Text,
        action -> Text,
        from_status -> Text,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        comment -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        question_id -> Nullable<Text>,
        purpose -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    public_faqs (question_id) {
        question_id -> Text,
        procedure_id -> Text,
        subject -> Text,
        question -> Text,
        answer -> Text,
        revision -> Integer,
        published_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(questions -> departments (department_id));
diesel::joinable!(question_answers -> questions (question_id));
diesel::joinable!(question_events -> questions (question_id));
diesel::joinable!(public_faqs -> questions (question_id));

diesel::allow_tables_to_appear_in_same_query!(
    questions,
    departments,
    question_answers,
    question_events,
    public_faqs,
);

diesel::table! {
    feedback (id) {
        id -> Text,
        about -> Text,
        item_id -> Nullable<Text>,
        item_kind -> Nullable<Text>,
        item_title -> Nullable<Text>,
        author_id -> Nullable<Text>,
        message -> Text,
        sender_name -> Nullable<Text>,
        sender_email -> Nullable<Text>,
        status -> Text,
        note -> Text,
        handled_by -> Nullable<Text>,
        handled_at -> Nullable<Timestamp>,
        received_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    change_clock (id) {
        id -> Integer,
        seq -> BigInt,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        scopes -> Text,
        rate_per_minute -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        url -> Text,
        description -> Text,
        events -> Text,
        secret -> Text,
        enabled -> Bool,
        failures -> Integer,
        disabled_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        message_id -> Text,
        webhook_id -> Text,
        seq -> BigInt,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        at -> Timestamp,
        status -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> Integer,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries, webhook_attempts);

diesel::table! {
    mirror_sources (id) {
        id -> Text,
        url -> Text,
        name -> Text,
        sync_cursor -> Nullable<Text>,
        caught_up -> Bool,
        last_ok_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        failures -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mirrored_items (source_id, kind, item_id) {
        source_id -> Text,
        kind -> Text,
        item_id -> Text,
        revision -> Integer,
        slug -> Text,
        title -> Text,
        summary -> Text,
        published_at -> Timestamp,
        search_title -> Text,
        search_text -> Text,
        item -> Text,
    }
}

diesel::table! {
    mirrored_files (source_id, media_id, variant) {
        source_id -> Text,
        media_id -> Text,
        variant -> Text,
        sha256 -> Text,
        content_type -> Text,
    }
}

diesel::joinable!(mirrored_items -> mirror_sources (source_id));
diesel::joinable!(mirrored_files -> mirror_sources (source_id));

diesel::allow_tables_to_appear_in_same_query!(mirror_sources, mirrored_items, mirrored_files);
