-- Shapes that migrate as they are but break naive cardinality assumptions (REFERENCE 9, fact 7),
-- recorded so that their rates can be checked: several plans on one project, doctors linked
-- to several offices (the detail says in how many countries).

INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_project', project_id, 'many_plans', count(*)::text
FROM dispatch_plan
WHERE project_id IN (SELECT id FROM dispatch_project)
GROUP BY project_id HAVING count(*) > 1;

INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', l.user_id, 'several_offices', count(DISTINCT o.country)::text
FROM dispatch_office_doctors AS l JOIN dispatch_office AS o ON o.id = l.office_id
WHERE l.user_id IN (SELECT id FROM auth_user)
GROUP BY l.user_id HAVING count(*) > 1;

-- The scratch views of the injections outlive the transaction (temporary tables do not): drop
-- them so that the caller's session is left as it was.
DROP VIEW IF EXISTS pg_temp.s_candidate, pg_temp.s_tested, pg_temp.s_duplicated,
    pg_temp.s_email_touched, pg_temp.s_office_dup, pg_temp.s_ids;
