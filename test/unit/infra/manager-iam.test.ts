// Least privilege, statement by statement, on infra/template.yaml (the checks: manager-iam-checks.ts).
import { loadTemplate } from './cfn.ts';
import { describeManagerIam } from './manager-iam-checks.ts';

describeManagerIam('infra/template.yaml', loadTemplate('infra/template.yaml'), {
  defaultAccessCondition: 'SetupDefaultAccess',
});
