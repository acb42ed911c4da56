-- Runs once, when the compose PostgreSQL starts on an empty volume (docker-entrypoint-initdb.d).
-- The bridge's database (POSTGRES_DB=elkedeur) exists by then; Rasa's tracker store gets its own
-- database beside it, as `make run-prod` creates it (scripts/run.py, ensure_databases).
CREATE DATABASE elkedeur_rasa OWNER elkedeur;
