DROP TABLE public_people;
