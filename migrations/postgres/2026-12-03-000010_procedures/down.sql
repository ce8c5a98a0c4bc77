DROP TABLE public_procedure_bases;
DROP TABLE public_procedures;
