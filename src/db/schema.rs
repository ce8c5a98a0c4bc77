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

diesel::joinable!(users -> departments (department_id));
diesel::joinable!(user_categories -> users (user_id));
diesel::joinable!(user_categories -> categories (category_id));
diesel::joinable!(refresh_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    departments,
    categories,
    users,
    user_categories,
    refresh_tokens,
    audit_log,
);
