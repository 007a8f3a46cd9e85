import pg from 'pg';

const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL is not set (see config/*.env)');
}

export const pool = new pg.Pool({
  connectionString: url,
  max: Number(process.env.DATABASE_POOL_MAX ?? 5),
});

export async function recentPayments(limit = 20) {
  const { rows } = await pool.query(
    'SELECT id, amount_cents, currency, created_at FROM payments ORDER BY created_at DESC LIMIT $1',
    [limit],
  );
  return rows;
}
