-- The office tool read valid offices only (about 39% of legacy offices are not valid).
SELECT id, name, address, apt, city, state, zip, country, phone, tax_rate, sq_customer_id, emails
FROM dispatch_office
WHERE valid
ORDER BY id
