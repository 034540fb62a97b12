--
-- PostgreSQL database dump
--

\restrict AbCdEf0123

SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE TABLE public.users (
    id bigint NOT NULL,
    email text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.events (
    user_id bigint,
    payload jsonb
)
PARTITION BY RANGE (user_id);

CREATE TABLE public.events_low (
    user_id bigint,
    payload jsonb
);
ALTER TABLE ONLY public.events ATTACH PARTITION public.events_low FOR VALUES FROM (0) TO (1000);

CREATE TABLE public.invoices (
    id integer NOT NULL,
    customer_id bigint,
    billing_name text,
    billing_email character varying(80),
    vat_number text,
    note text,
    amount numeric(10,2)
);

--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: app
--

COPY public.users (id, email, created_at) FROM stdin;
1	 Alice@Example.COM	2024-01-01 10:00:00+00
2	bob@example.com	2024-01-01 10:00:00+00
42	carol@example.com	2024-01-01 10:00:00+00
43	dan\\x@example.com	2024-01-01 10:00:00+00
44	NEW@example.com	2030-06-01 00:00:00+00
45	Held@example.com	2024-01-01 10:00:00+00
\.

COPY public.events_low (user_id, payload) FROM stdin;
2	{"email": "ALICE@example.com", "n": 1}
2	{"email": "bob@example.com"}
42	\N
\.

COPY public.invoices (id, customer_id, billing_name, billing_email, vat_number, note, amount) FROM stdin;
10	42	Carol C	carol@example.com	DE123	paid\tin full	9.50
11	2	Bob B	bob@example.com	DE456	\N	1.00
12	42	\N	[redacted]	tsp100000000000000000000000000000000	gone	3.00
\.

COPY public.audit_log (actor_id, detail) FROM stdin;
42	login
7	other
\.

COPY public.unmapped (email) FROM stdin;
alice@example.com
\.

--
-- PostgreSQL database dump complete
--

\unrestrict AbCdEf0123
