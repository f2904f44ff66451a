-- Shared pieces of the target schema: the updated_at trigger function and every enum type.
-- Idempotent: the function is replaced in place, a type is created only when it is missing
-- (an existing type is left as it is; install never alters what is already there).

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = ''
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

DO $$
DECLARE
    spec record;
BEGIN
    FOR spec IN
        SELECT type_name, labels
        FROM (VALUES
            ('profile_type', ARRAY['patient', 'doctor', 'technician', 'master', 'admin',
                                   'sales_person', 'agent', 'client']),
            ('gender', ARRAY['male', 'female', 'other', 'unknown']),
            ('patient_status_type', ARRAY['active', 'consultation', 'treatment_plan',
                                          'in_treatment', 'retention', 'completed', 'on_hold',
                                          'cancelled', 'transferred', 'archived', 'prospect',
                                          'inactive']),
            ('employment_status', ARRAY['active', 'inactive', 'terminated', 'on_leave']),
            ('technician_type', ARRAY['designing', 'manufacturing', 'master', 'quality_control',
                                      'remote', 'sectioning']),
            ('course_type', ARRAY['main', 'refinement', 'replacement', 'any', 'invoice',
                                  'merchandise']),
            ('order_status', ARRAY['no_product', 'submitted', 'approved', 'in_production',
                                   'shipped', 'cancelled', 'on_hold', 'add_plan']),
            ('order_state_status', ARRAY['review_approval', 'processing', 'manufacturing',
                                         'shipped', 'delivered', 'completed', 'cancelled',
                                         'on_hold', 'returned', 'refunded']),
            ('jaw_type', ARRAY['upper', 'lower']),
            ('jaw_replacement_reason', ARRAY['breakage', 'other', 'complete']),
            ('project_type', ARRAY['stl_upper', 'stl_lower', 'clinical_photo', 'treatment_plan',
                                   'xray', 'cbct_scan', 'simulation', 'aligner_design',
                                   'document', 'other']),
            ('project_status', ARRAY['draft', 'in_review', 'approved', 'in_progress',
                                     'completed', 'archived', 'deleted']),
            ('treatment_type', ARRAY['initial_treatment', 'revision']),
            ('task_status', ARRAY['pending', 'in_progress', 'completed']),
            ('order_file_category', ARRAY['scan', 'image', 'document', 'package', 'model',
                                          'simulation', 'analysis', 'final_package', 'other']),
            ('message_type', ARRAY['communication', 'image', 'clinical_note',
                                   'patient_communication', 'status_update']),
            ('message_recipient_type', ARRAY['patient', 'user', 'system']),
            ('communication_type', ARRAY['team_announcement', 'status_update',
                                         'production_note', 'quality_check']),
            ('comment_type_enum', ARRAY['treatment_discussion', 'doctor_note', 'task_note',
                                        'notification_context', 'record_annotation']),
            ('case_status', ARRAY['consultation', 'diagnosis', 'treatment_plan', 'active',
                                  'refinement', 'retention', 'completed', 'cancelled',
                                  'on_hold', 'transferred', 'revision']),
            ('case_state_type', ARRAY['treatment_active', 'case_closed']),
            ('case_message_type', ARRAY['patient_question', 'clinical_note', 'doctor_response',
                                        'treatment_update']),
            ('case_file_purpose', ARRAY['initial_photos', 'progress_photos', 'models',
                                        'documents', 'treatment_plan', 'instruction_files',
                                        'final_photos']),
            ('discount_type', ARRAY['percentage', 'fixed_amount']),
            ('payment_status_enum', ARRAY['pending', 'processing', 'completed', 'failed',
                                          'refunded', 'cancelled', 'other']),
            ('payment_method', ARRAY['card', 'other']),
            ('system_message_type', ARRAY['order_update', 'shipment_update', 'payment_update',
                                          'case_update', 'reminder', 'welcome',
                                          'status_update', 'notification']),
            ('operation_type', ARRAY['payment', 'refund'])
        ) AS specs (type_name, labels)
    LOOP
        IF to_regtype(format('public.%I', spec.type_name)) IS NULL THEN
            EXECUTE format(
                'CREATE TYPE public.%I AS ENUM (%s)',
                spec.type_name,
                (SELECT string_agg(quote_literal(label), ', ' ORDER BY position)
                 FROM unnest(spec.labels) WITH ORDINALITY AS l (label, position))
            );
        END IF;
    END LOOP;
END
$$;
