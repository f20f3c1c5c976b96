// Which links the navigation shows for a role (server and client both use this).
export interface NavItem { href: string; label: string; exact?: boolean }

export function navItems(role: string | null, isPlatformAdmin: boolean): NavItem[] {
  const admin = role === "admin" || role === "owner";
  return [
    { href: "/jobs", label: "Jobs", exact: true },
    ...(role && role !== "viewer" ? [{ href: "/jobs/new", label: "New job" }] : []),
    { href: "/usage", label: "Usage" },
    ...(admin ? [{ href: "/settings/api-keys", label: "API keys" }, { href: "/settings", label: "Settings", exact: true }] : []),
    ...(isPlatformAdmin ? [{ href: "/admin", label: "Admin console" }] : []),
  ];
}
