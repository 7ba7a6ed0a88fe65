export const ROLES = ['reception', 'nurse', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, { ja: string; en: string }> = {
  reception: { ja: '受付', en: 'Reception' },
  nurse: { ja: '接種（看護師）', en: 'Nurse' },
  supervisor: { ja: '管理者', en: 'Supervisor' },
};
