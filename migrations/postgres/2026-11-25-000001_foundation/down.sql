DROP TABLE audit_log;
DROP TABLE refresh_tokens;
DROP TABLE user_categories;
DROP TABLE users;
DROP TABLE categories;
DROP TABLE departments;
