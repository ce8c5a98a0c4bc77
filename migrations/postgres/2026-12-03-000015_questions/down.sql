DROP TABLE public_faqs;
DROP TABLE mail_outbox;
DROP TABLE question_events;
DROP TABLE question_answers;
DROP TABLE questions;
