import { Block, PageSkeleton, TableSkeleton } from '@/components/ui/skeleton';

export default function WebhookLoading() {
  return (
    <PageSkeleton label="webhook">
      <Block className="h-4 w-48" />
      <div className="space-y-2">
        <Block className="h-8 w-64 max-w-full" />
        <Block className="h-4 w-80 max-w-full" />
      </div>
      <Block className="h-9 w-56" />
      <TableSkeleton rows={6} />
    </PageSkeleton>
  );
}
