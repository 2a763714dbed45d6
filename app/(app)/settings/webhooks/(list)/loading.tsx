import { Block, PageSkeleton, TableSkeleton } from '@/components/ui/skeleton';

export default function WebhooksLoading() {
  return (
    <PageSkeleton label="webhooks">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-2">
          <Block className="h-8 w-40" />
          <Block className="h-4 w-72 max-w-full" />
        </div>
        <Block className="h-8 w-32" />
      </div>
      <TableSkeleton rows={4} />
    </PageSkeleton>
  );
}
